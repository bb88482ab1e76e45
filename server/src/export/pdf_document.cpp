#include "pdf_document.hpp"

#include "provenance_marker.hpp"

#include <hpdf_doc.h>
#include <hpdf_fontdef.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace aplc::exports {

void on_pdf_error(HPDF_STATUS error, HPDF_STATUS detail, void* user) {
    auto* self = static_cast<pdf_document*>(user);
    if (self->error_ == HPDF_OK) {
        self->error_ = error;
        self->detail_ = detail;
    }
}

namespace {

const char* font_path(script s, bool bold) {
    switch (s) {
    case script::latin:
        return bold ? "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"
                    : "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
    case script::thai:
        return bold ? "/usr/share/fonts/truetype/noto/NotoSansThai-Bold.ttf"
                    : "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf";
    case script::cjk: return "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";
    case script::hangul:
        return bold ? "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"
                    : "/usr/share/fonts/truetype/nanum/NanumGothic.ttf";
    }
    return "";
}

char32_t decode(const std::string& s, std::size_t& i) {
    auto byte = [&](std::size_t k) {
        return static_cast<char32_t>(static_cast<unsigned char>(s[k]));
    };
    char32_t c = byte(i);
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    c &= extra == 3 ? 0x07U : extra == 2 ? 0x0FU : extra == 1 ? 0x1FU : 0x7FU;
    for (int k = 0; k < extra && i + 1 < s.size(); ++k) c = (c << 6U) | (byte(++i) & 0x3FU);
    ++i;
    return c;
}

std::optional<script> script_of(char32_t c) {
    if (c >= 0x0E00 && c <= 0x0E7F) return script::thai;
    if ((c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F) ||
        (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7FF))
        return script::hangul;
    if ((c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) || c >= 0x20000)
        return script::cjk;
    if ((c >= 0x0300 && c <= 0x036F) || c == ' ') return std::nullopt; // joins its neighbour
    return script::latin;
}

// Runs of one script: combining marks and spaces stay with the run before them.
std::vector<std::pair<script, std::string>> runs(const std::string& text) {
    std::vector<std::pair<script, std::string>> out;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t start = i;
        auto s = script_of(decode(text, i));
        if (out.empty())
            out.emplace_back(s.value_or(script::latin), "");
        else if (s && *s != out.back().first)
            out.emplace_back(*s, "");
        out.back().second += text.substr(start, i - start);
    }
    return out;
}

std::uint32_t be(const std::string& b, std::size_t at, int bytes) {
    std::uint32_t v = 0;
    for (int k = 0; k < bytes && at + static_cast<std::size_t>(k) < b.size(); ++k)
        v = (v << 8U) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(k)]);
    return v;
}

// libharu 2.3.0 embeds a subset of each TrueType font, but leaves out the parts of a composite
// glyph that is built from other composite glyphs (fixed upstream after 2.3.0): most Chinese and
// Korean glyphs then render blank. This marks every component, to any depth, as used.
void include_components(HPDF_Doc doc, const std::string& name, const std::string& file) {
    HPDF_FontDef def = HPDF_GetFontDef(doc, name.c_str());
    if (!def || !def->attr) return;
    auto* attr = static_cast<HPDF_TTFontDefAttr>(def->attr);
    std::ifstream in{file, std::ios::binary};
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string font = bytes.str();
    std::vector<std::uint16_t> todo;
    for (std::uint16_t g = 0; g < attr->num_glyphs; ++g)
        if (attr->glyph_tbl.flgs[g]) todo.push_back(g);
    while (!todo.empty()) {
        std::uint16_t g = todo.back();
        todo.pop_back();
        std::size_t at = attr->glyph_tbl.base_offset + attr->glyph_tbl.offsets[g];
        if (g + 1 < attr->num_glyphs &&
            attr->glyph_tbl.offsets[g + 1] == attr->glyph_tbl.offsets[g])
            continue;                                                  // an empty glyph
        if (static_cast<std::int16_t>(be(font, at, 2)) >= 0) continue; // a simple glyph
        at += 10;
        for (std::uint32_t flags = 0x20; flags & 0x20U;) { // MORE_COMPONENTS
            flags = be(font, at, 2);
            auto component = static_cast<std::uint16_t>(be(font, at + 2, 2));
            std::size_t args = (flags & 0x01U) ? 4U : 2U;
            std::size_t scale = (flags & 0x08U)   ? 2U
                                : (flags & 0x40U) ? 4U
                                : (flags & 0x80U) ? 8U
                                                  : 0U;
            at += 4U + args + scale;
            if (component < attr->num_glyphs && !attr->glyph_tbl.flgs[component]) {
                attr->glyph_tbl.flgs[component] = 1;
                todo.push_back(component);
            }
            if (at >= font.size()) break;
        }
    }
}

HPDF_Date pdf_date(const std::string& iso) {
    HPDF_Date d{};
    d.year = 2000;
    d.month = d.day = 1;
    d.ind = 'Z';
    std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d", &d.year, &d.month, &d.day, &d.hour, &d.minutes,
                &d.seconds);
    return d;
}

} // namespace

outcome<std::unique_ptr<pdf_document>> pdf_document::create(const results& r, std::string footer,
                                                            const std::string& keywords) {
    for (auto s : {script::latin, script::thai, script::cjk, script::hangul})
        for (bool bold : {false, true})
            if (!std::filesystem::exists(font_path(s, bold)))
                return export_error{"no_fonts", std::string{"the font "} + font_path(s, bold) +
                                                    " is missing (install fonts-noto-core, "
                                                    "fonts-droid-fallback and fonts-nanum)"};
    std::unique_ptr<pdf_document> d{new pdf_document};
    d->doc_ = HPDF_New(on_pdf_error, d.get());
    if (!d->doc_) return export_error{"pdf_failed", "libharu could not start a document"};
    HPDF_SetCompressionMode(d->doc_, HPDF_COMP_ALL);
    // The keywords (ASCII, read back by verify) are written before UTF-8 becomes the encoder,
    // which would write them as UTF-16 hex.
    HPDF_SetInfoAttr(d->doc_, HPDF_INFO_KEYWORDS, keywords.c_str());
    HPDF_UseUTFEncodings(d->doc_);
    HPDF_SetCurrentEncoder(d->doc_, "UTF-8");
    HPDF_SetInfoAttr(d->doc_, HPDF_INFO_TITLE, r.rules->source().name.c_str());
    HPDF_SetInfoAttr(d->doc_, HPDF_INFO_SUBJECT, std::string{status_name(r.made.official)}.c_str());
    HPDF_SetInfoAttr(d->doc_, HPDF_INFO_CREATOR, "aplc export");
    HPDF_SetInfoDateAttr(d->doc_, HPDF_INFO_CREATION_DATE, pdf_date(r.made.generated_at));
    d->footer_ = std::move(footer);
    return d;
}

pdf_document::~pdf_document() {
    if (doc_) HPDF_Free(doc_);
}

HPDF_Font pdf_document::font(script s, bool bold) {
    if (s == script::cjk) bold = false;
    auto& f = fonts_[{s, bold}];
    if (!f) {
        const char* path = font_path(s, bold);
        const char* name = HPDF_LoadTTFontFromFile(doc_, path, HPDF_TRUE);
        if (!name) return nullptr;
        loaded_[name] = path;
        f = HPDF_GetFont(doc_, name, "UTF-8");
    }
    return f;
}

void pdf_document::new_page() {
    page_ = HPDF_AddPage(doc_);
    HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    ++pages_;
    footer();
    y = page_height - margin - 10.0F;
}

void pdf_document::footer() {
    std::string text = footer_ + " · page " + std::to_string(pages_);
    fit(margin, margin - 18.0F, text, 7.0F, page_width - 2 * margin);
}

void pdf_document::need(float height) {
    if (!page_ || y - height < margin) new_page();
}

float pdf_document::width(const std::string& text, float size, bool bold) {
    float w = 0;
    for (const auto& [s, run] : runs(text)) {
        HPDF_Font f = font(s, bold);
        if (!f) continue;
        HPDF_TextWidth tw = HPDF_Font_TextWidth(f, reinterpret_cast<const HPDF_BYTE*>(run.data()),
                                                static_cast<HPDF_UINT>(run.size()));
        w += static_cast<float>(tw.width) * size / 1000.0F;
    }
    return w;
}

float pdf_document::text(float x, float at_y, const std::string& text, float size, bool bold) {
    if (!page_) new_page();
    float start = x;
    HPDF_Page_BeginText(page_);
    for (const auto& [s, run] : runs(text)) {
        HPDF_Font f = font(s, bold);
        if (!f) continue;
        HPDF_Page_SetFontAndSize(page_, f, size);
        HPDF_Page_TextOut(page_, x, at_y, run.c_str());
        x += width(run, size, bold);
    }
    HPDF_Page_EndText(page_);
    return x - start;
}

void pdf_document::fit(float x, float at_y, const std::string& t, float size, float max_width,
                       bool bold, bool right) {
    float w = width(t, size, bold);
    if (w > max_width && w > 0) {
        size = std::max(5.0F, size * max_width / w);
        w = width(t, size, bold);
    }
    text(right ? x + max_width - w : x, at_y, t, size, bold);
}

void pdf_document::line(const std::string& t, float size, bool bold, float x) {
    need(size * 1.5F);
    y -= std::max(0.0F, size - 11.0F); // room above a large line
    fit(x, y, t, size, page_width - margin - x, bold);
    y -= size * 1.5F;
}

void pdf_document::rule() {
    need(8.0F);
    HPDF_Page_SetLineWidth(page_, 0.5F);
    HPDF_Page_MoveTo(page_, margin, y + 4.0F);
    HPDF_Page_LineTo(page_, page_width - margin, y + 4.0F);
    HPDF_Page_Stroke(page_);
    y -= 6.0F;
}

void pdf_document::draw_table(const table& t, std::vector<std::size_t> columns, float size) {
    if (columns.empty())
        for (std::size_t c = 0; c < t.header.size(); ++c) columns.push_back(c);
    std::vector<float> widths;
    for (auto c : columns) {
        float w = width(t.header[c], size, true);
        for (const auto& row : t.rows) w = std::max(w, width(row[c], size));
        widths.push_back(w + 6.0F);
    }
    // A table wider than the page is drawn smaller as a whole, so every cell still fits.
    float total = 0;
    for (float w : widths) total += w;
    float scale = std::min(1.0F, (page_width - 2 * margin) / total);
    size *= scale;
    auto draw_row = [&](const std::vector<std::string>& cells, bool header) {
        need(size * 1.6F);
        float x = margin;
        for (std::size_t k = 0; k < columns.size(); ++k) {
            float w = widths[k] * scale;
            fit(x, y, cells[columns[k]], size, w - 4.0F * scale, header,
                !header && t.numeric[columns[k]]);
            x += w;
        }
        y -= size * 1.6F;
    };
    need(size * 4.0F);
    draw_row(t.header, true);
    for (const auto& row : t.rows) {
        if (y - size * 1.6F < margin) {
            new_page();
            draw_row(t.header, true);
        }
        draw_row(row, false);
    }
    y -= size;
}

std::optional<export_error> pdf_document::save(const std::string& path) {
    for (const auto& [name, file] : loaded_) include_components(doc_, name, file);
    if (error_ == HPDF_OK) HPDF_SaveToFile(doc_, path.c_str());
    if (error_ != HPDF_OK) {
        std::array<char, 64> code{};
        std::snprintf(code.data(), code.size(), "0x%04X (detail %u)", static_cast<unsigned>(error_),
                      static_cast<unsigned>(detail_));
        return export_error{
            "pdf_failed",
            "libharu failed writing '" + path + "': error " + code.data() +
                (error_ == HPDF_FILE_IO_ERROR ? " (check the directory and free space)" : "")};
    }
    return std::nullopt;
}

} // namespace aplc::exports
