#include "fuzz_checks.hpp"

#include "aplc/codec/schema_check.hpp"
#include "aplc/codec/standings_codec.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace aplc::fuzz {

void broken(const std::string& what) { throw invariant_broken(what); }

std::string standings_text(const scoring::rulebook& rules, const scoring::standings& s) {
    const nlohmann::json encoded = codec::encode_standings(rules, s);
    auto errors = codec::validate_against("standings.schema.json", encoded, 1);
    if (!errors.empty())
        broken("the standings do not validate against standings.schema.json: " +
               errors.front().path + ": " + errors.front().message);
    return encoded.dump();
}

std::vector<regression_input> regression_inputs(const std::string& directory) {
    std::vector<regression_input> inputs;
    for (const auto& entry : std::filesystem::directory_iterator{directory}) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in{entry.path(), std::ios::binary};
        std::string name = entry.path().filename().string();
        const auto dashes = name.find("--");
        std::string expected = dashes == std::string::npos ? "" : name.substr(0, dashes);
        inputs.push_back({std::move(name),
                          {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}},
                          std::move(expected)});
    }
    std::sort(inputs.begin(), inputs.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    return inputs;
}

} // namespace aplc::fuzz
