// The stable string code of every store error.
#include "store_test_support.hpp"

#include <utility>

TEST_CASE("every store error code has its stable name") {
    using aplc::store::store_errc;
    auto [code, name] = GENERATE(table<store_errc, std::string>({
        {store_errc::cannot_open, "cannot_open"},
        {store_errc::not_aplc, "not_aplc"},
        {store_errc::too_new, "too_new"},
        {store_errc::read_only, "read_only"},
        {store_errc::locked, "locked"},
        {store_errc::disk_full, "disk_full"},
        {store_errc::corrupt, "corrupt"},
        {store_errc::io_error, "io_error"},
        {store_errc::bad_entry, "bad_entry"},
    }));
    CHECK(aplc::store::code_name(code) == name);
}
