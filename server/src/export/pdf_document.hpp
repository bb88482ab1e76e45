#pragma once
// A PDF document drawn with libharu in the scripts of the region: each piece of text is split
// into runs by script and each run drawn with an embedded TrueType font that covers it (Noto
// Sans for Latin and Vietnamese, Noto Sans Thai, Droid Sans Fallback for Chinese, Nanum Gothic
// for Korean).
// Fonts are embedded only when a document uses them. Pages are A4, in points.
#include "aplc/export/results.hpp"
#include "tables.hpp"

#include <hpdf.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aplc::exports {

enum class script { latin, thai, cjk, hangul };

class pdf_document {
public:
    static constexpr float page_width = 595.0F, page_height = 842.0F, margin = 40.0F;

    // Errors: no_fonts (a font file is missing: install fonts-noto-core, fonts-droid-fallback
    // and fonts-nanum), pdf_failed.
    static outcome<std::unique_ptr<pdf_document>> create(const results& r, std::string footer,
                                                         const std::string& keywords);
    ~pdf_document();
    pdf_document(const pdf_document&) = delete;
    pdf_document& operator=(const pdf_document&) = delete;

    void new_page();
    // Starts a new page unless `height` points are left on this one.
    void need(float height);
    float y = 0; // the baseline of the next line, from the bottom

    // Draws `text` at (x, y); returns its width.
    float text(float x, float at_y, const std::string& text, float size, bool bold = false);
    float width(const std::string& text, float size, bool bold = false);
    // Shrinks the size (down to 5 pt) until `text` fits in `max_width`; aligns right if asked.
    void fit(float x, float at_y, const std::string& text, float size, float max_width,
             bool bold = false, bool right = false);
    // A line of text at the cursor, then moves down.
    void line(const std::string& text, float size, bool bold = false, float x = margin);
    void rule();
    // A table with the listed columns (all when empty), header repeated on every page.
    void draw_table(const table& t, std::vector<std::size_t> columns = {}, float size = 8.0F);

    std::optional<export_error> save(const std::string& path);

private:
    pdf_document() = default;
    HPDF_Font font(script s, bool bold);
    void footer();

    HPDF_Doc doc_ = nullptr;
    HPDF_Page page_ = nullptr;
    int pages_ = 0;
    std::string footer_;
    std::map<std::pair<script, bool>, HPDF_Font> fonts_;
    std::map<std::string, std::string> loaded_; // font name -> file, for the glyph closure
    HPDF_STATUS error_ = HPDF_OK;
    HPDF_STATUS detail_ = HPDF_OK;
    friend void on_pdf_error(HPDF_STATUS, HPDF_STATUS, void*);
};

} // namespace aplc::exports
