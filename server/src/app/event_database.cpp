#include "aplc/app/event_database.hpp"

#include "aplc/codec/event_codec.hpp"
#include "aplc/codec/log_codec.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <chrono>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace aplc::app {
namespace sc = aplc::scoring;

store::result<sc::event_state> replay(const store::log_store& log) {
    sc::event_state state;
    std::optional<store::store_error> failure;
    auto read = log.scan(1, [&](const store::entry_view& e) {
        auto action = codec::decode_action(e.kind, e.body);
        if (auto* p = std::get_if<sc::problem>(&action)) {
            failure =
                store::store_error{store::store_errc::corrupt,
                                   "entry " + std::to_string(e.seq) + " (" + std::string{e.kind} +
                                       ") cannot be read: " + p->path + ": " + p->message};
            return false;
        }
        sc::apply(state, {e.seq, e.at, e.actor, std::get<sc::log_action>(std::move(action))});
        return true;
    });
    if (!read) return read.error();
    if (failure) return *failure;
    return state;
}

namespace {

std::string content_id(const nlohmann::json& doc) {
    std::string text = doc.dump();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), md, &size, EVP_sha256(), nullptr);
    store::digest d{};
    std::copy_n(md, d.size(), d.begin());
    return "import:" + store::to_hex(d).substr(0, 32);
}

} // namespace

store::result<import_summary> import_event(store::log_store& log, const nlohmann::json& doc,
                                           const std::string& actor, const std::string& at) {
    std::string id = content_id(doc);
    std::vector<store::new_entry> entries;
    auto add = [&](codec::encoded_entry e) {
        entries.push_back({std::move(e.kind), actor, "cli",
                           id + ":" + std::to_string(entries.size()), std::move(e.body), at});
    };
    add(codec::encode_event_defined(doc, "imported from an event file"));
    for (const auto& s : doc.value("sheets", nlohmann::json::array())) {
        // The document passed load_event(), so every sheet decodes.
        auto sheet = std::get<sc::sheet>(codec::decode_sheet(s, "sheet"));
        add(codec::encode_action(sc::sheet_submitted{std::move(sheet)}));
    }
    for (const auto& r : doc.value("runs", nlohmann::json::array()))
        add(codec::encode_action(
            sc::run_status_set{{{r.at("scenario").get<std::string>()},
                                {r.at("entrant").get<std::string>()},
                                sc::parse_run_status(r.at("status").get<std::string>()).value()},
                               "imported from an event file"}));
    auto acks = log.append_batch(entries);
    if (!acks) return acks.error();
    import_summary summary;
    summary.first_seq = acks->front().seq;
    summary.last_seq = acks->back().seq;
    for (const auto& a : *acks) (a.repeated ? summary.repeated : summary.stored) += 1;
    return summary;
}

std::string now_utc() {
    auto now = std::chrono::system_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&t, &utc);
    std::ostringstream out;
    out << std::put_time(&utc, "%Y-%m-%dT%H:%M:%S") << '.' << std::setw(3) << std::setfill('0')
        << ms.count() << 'Z';
    return out.str();
}

} // namespace aplc::app
