#pragma once
// Named hall displays (docs/protocol.md, "Displays"): the organiser sets which boards a display
// rotates through and its theme (display.control, stored in the log as display.configured); each
// display follows its own setting, else the default one ("*"), else its URL parameters.
//
// Threads: read_display_control() runs on the app thread; a display_settings is made there from
// the event's state and never changes afterwards, so the network thread reads the newest one it
// was handed without locks.
#include "aplc/scoring/event_log.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace aplc::live {

// The setting name that applies to every display without a setting of its own.
inline constexpr std::string_view every_display = "*";

// "hall" for the subject "display:hall"; empty for a subject that is not a display's.
std::string_view display_name_of(std::string_view subject);

class display_settings {
public:
    // `stored`: the event state's displays (scoring::event_state::displays).
    explicit display_settings(const std::map<std::string, scoring::display_state>& stored);

    // The display.config push for the display called `name`: its own setting, else the default,
    // else nullptr (nothing to push: the display follows its URL parameters).
    [[nodiscard]] std::shared_ptr<const std::string> push_for(std::string_view name) const;

    // display.list's result members: {default, displays: [{display, connections, issued,
    // follows, config}]}, one item for each display named by a code (`issued_subjects`:
    // "display:<name>"), a setting of its own or a connection (`connected`: name -> count),
    // in name order.
    [[nodiscard]] nlohmann::json
    list(const std::vector<std::string>& issued_subjects,
         const std::map<std::string, int, std::less<>>& connected) const;

private:
    struct setting {
        nlohmann::json config;                   // {version, views, theme?}
        std::shared_ptr<const std::string> push; // the whole display.config message
    };
    [[nodiscard]] const setting* followed_by(std::string_view name) const;

    std::map<std::string, setting, std::less<>> settings_; // by name, "*" among them
};
using display_settings_ptr = std::shared_ptr<const display_settings>;

// Why a display.control was refused; nothing is stored. Codes: unknown_scenario (a view's
// scenario/<id> names no scenario of the event), unknown_topic (any other board the event does
// not have, e.g. day/9); `path` is the view's topic ("views[1].topic").
struct display_refusal {
    std::string code;
    std::string message;
    std::string path;
};

// The entry a display.control request (valid against its schema) appends, or why it may not.
// `is_board(topic)` says whether the event has that board.
std::variant<scoring::display_configured, display_refusal>
read_display_control(const nlohmann::json& request,
                     const std::function<bool(const std::string&)>& is_board);

} // namespace aplc::live
