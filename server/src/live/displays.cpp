#include "aplc/live/displays.hpp"

#include "aplc/codec/log_codec.hpp"

#include <set>

namespace aplc::live {
using nlohmann::json;

namespace {

constexpr std::string_view display_prefix = "display:";

} // namespace

std::string_view display_name_of(std::string_view subject) {
    if (!subject.starts_with(display_prefix)) return {};
    return subject.substr(display_prefix.size());
}

display_settings::display_settings(const std::map<std::string, scoring::display_state>& stored) {
    for (const auto& [name, d] : stored) {
        // The log's body less its name (the push names the setting as "display"), with the
        // entry that set it as its version.
        json config = codec::encode_display(d.setting);
        config.erase("display");
        config["version"] = d.seq;
        json push = config;
        push["type"] = "display.config";
        push["display"] = name;
        settings_.emplace(
            name, setting{std::move(config), std::make_shared<const std::string>(push.dump())});
    }
}

const display_settings::setting* display_settings::followed_by(std::string_view name) const {
    if (auto it = settings_.find(name); it != settings_.end()) return &it->second;
    if (auto it = settings_.find(every_display); it != settings_.end()) return &it->second;
    return nullptr;
}

std::shared_ptr<const std::string> display_settings::push_for(std::string_view name) const {
    const auto* s = followed_by(name);
    return s ? s->push : nullptr;
}

json display_settings::list(const std::vector<std::string>& issued_subjects,
                            const std::map<std::string, int, std::less<>>& connected) const {
    std::set<std::string, std::less<>> issued;
    for (const auto& subject : issued_subjects)
        if (auto name = display_name_of(subject); !name.empty()) issued.emplace(name);
    std::set<std::string, std::less<>> names = issued;
    for (const auto& [name, s] : settings_)
        if (name != every_display) names.insert(name);
    for (const auto& [name, count] : connected) names.insert(name);

    const auto* fallback = followed_by(every_display);
    json displays = json::array();
    for (const auto& name : names) {
        const auto own = settings_.find(name);
        const auto* followed = own != settings_.end() ? &own->second : fallback;
        const auto count = connected.find(name);
        displays.push_back({{"display", name},
                            {"connections", count == connected.end() ? 0 : count->second},
                            {"issued", issued.contains(name)},
                            {"follows", own != settings_.end() ? "own"
                                        : fallback             ? "default"
                                                               : "none"},
                            {"config", followed ? followed->config : json(nullptr)}});
    }
    return {{"default", fallback ? fallback->config : json(nullptr)},
            {"displays", std::move(displays)}};
}

std::variant<scoring::display_configured, display_refusal>
read_display_control(const json& request, const std::function<bool(const std::string&)>& is_board) {
    scoring::display_configured d{
        request.at("display").get<std::string>(), {}, request.value("theme", "")};
    const auto& views = request.at("views");
    for (std::size_t i = 0; i < views.size(); ++i) {
        auto topic = views[i].at("topic").get<std::string>();
        if (!is_board(topic)) {
            const std::string path = "views[" + std::to_string(i) + "].topic";
            if (topic.starts_with("scenario/"))
                return display_refusal{"unknown_scenario",
                                       "view " + std::to_string(i + 1) + ": no scenario '" +
                                           topic.substr(9) + "' in this event",
                                       path};
            return display_refusal{"unknown_topic",
                                   "view " + std::to_string(i + 1) + ": this event has no board '" +
                                       topic + "'",
                                   path};
        }
        d.views.push_back({std::move(topic), views[i].at("seconds").get<int>()});
    }
    return d;
}

} // namespace aplc::live
