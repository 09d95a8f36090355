#include "judging_codec.hpp"

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace trialmatch::data::detail {

namespace {

constexpr unsigned char format_version = 2; // 2: with the cohort scope
constexpr unsigned char flag_exclusion = 1;
constexpr unsigned char flag_negated = 2;
constexpr unsigned char flag_parent = 4;
constexpr unsigned char flag_scope = 8;
constexpr auto last_type = static_cast<std::uint64_t>(engine::CriterionType::unparsed);

enum Tag : unsigned char { tag_false, tag_true, tag_number, tag_text, tag_list };

void put_varint(std::string& out, std::uint64_t value) {
    while (value >= 0x80) {
        out += static_cast<char>((value & 0x7f) | 0x80);
        value >>= 7;
    }
    out += static_cast<char>(value);
}

void put_text(std::string& out, const std::string& text) {
    put_varint(out, text.size());
    out += text;
}

class Reader {
public:
    explicit Reader(std::string_view data) : m_data{data} {}

    bool byte(unsigned char& value) {
        if (m_pos >= m_data.size()) {
            return false;
        }
        value = static_cast<unsigned char>(m_data[m_pos++]);
        return true;
    }

    bool varint(std::uint64_t& value) {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            unsigned char b = 0;
            if (!byte(b)) {
                return false;
            }
            value |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return true;
            }
        }
        return false;
    }

    /// A count of items that each take at least one byte: never more than the bytes left.
    bool count(std::uint64_t& value) { return varint(value) && value <= m_data.size() - m_pos; }

    bool text(std::string& value) {
        std::uint64_t size = 0;
        if (!count(size)) {
            return false;
        }
        value.assign(m_data.substr(m_pos, size));
        m_pos += size;
        return true;
    }

    bool number(double& value) {
        if (m_data.size() - m_pos < sizeof value) {
            return false;
        }
        std::memcpy(&value, m_data.data() + m_pos, sizeof value);
        m_pos += sizeof value;
        return true;
    }

    bool at_end() const noexcept { return m_pos == m_data.size(); }

private:
    std::string_view m_data;
    std::size_t m_pos = 0;
};

bool read_param(Reader& reader, engine::Param& param) {
    unsigned char tag = 0;
    if (!reader.text(param.name) || !reader.byte(tag)) {
        return false;
    }
    switch (tag) {
    case tag_false:
    case tag_true:
        param.value = tag == tag_true;
        return true;
    case tag_number: {
        double number = 0;
        if (!reader.number(number)) {
            return false;
        }
        param.value = number;
        return true;
    }
    case tag_text: {
        std::string text;
        if (!reader.text(text)) {
            return false;
        }
        param.value = std::move(text);
        return true;
    }
    case tag_list: {
        std::uint64_t size = 0;
        if (!reader.count(size)) {
            return false;
        }
        std::vector<std::string> items(size);
        for (auto& item : items) {
            if (!reader.text(item)) {
                return false;
            }
        }
        param.value = std::move(items);
        return true;
    }
    default:
        return false;
    }
}

} // namespace

std::string encode_judging(const std::vector<engine::Criterion>& criteria) {
    std::string out;
    out += static_cast<char>(format_version);
    put_varint(out, static_cast<std::uint64_t>(engine::criteria_compiler_version));
    put_varint(out, criteria.size());
    for (const auto& criterion : criteria) {
        unsigned flags = 0;
        flags |= criterion.kind == engine::CriterionKind::exclusion ? flag_exclusion : 0U;
        flags |= criterion.negated ? flag_negated : 0U;
        flags |= criterion.parent ? flag_parent : 0U;
        flags |= criterion.scope.empty() ? 0U : flag_scope;
        out += static_cast<char>(flags);
        put_varint(out, static_cast<std::uint64_t>(criterion.type));
        if (criterion.parent) {
            put_varint(out, *criterion.parent);
        }
        if (!criterion.scope.empty()) {
            put_text(out, criterion.scope);
        }
        put_varint(out, criterion.params.size());
        for (const auto& param : criterion.params) {
            put_text(out, param.name);
            std::visit(
                [&](const auto& value) {
                    using T = std::decay_t<decltype(value)>;
                    if constexpr (std::is_same_v<T, bool>) {
                        out += static_cast<char>(value ? tag_true : tag_false);
                    } else if constexpr (std::is_same_v<T, double>) {
                        out += static_cast<char>(tag_number);
                        char bytes[sizeof value];
                        std::memcpy(bytes, &value, sizeof value);
                        out.append(bytes, sizeof value);
                    } else if constexpr (std::is_same_v<T, std::string>) {
                        out += static_cast<char>(tag_text);
                        put_text(out, value);
                    } else {
                        out += static_cast<char>(tag_list);
                        put_varint(out, value.size());
                        for (const auto& item : value) {
                            put_text(out, item);
                        }
                    }
                },
                param.value);
        }
    }
    return out;
}

std::optional<std::vector<engine::Criterion>> decode_judging(std::string_view data) {
    Reader reader{data};
    unsigned char format = 0;
    std::uint64_t version = 0;
    std::uint64_t size = 0;
    if (!reader.byte(format) || format != format_version || !reader.varint(version) ||
        version != static_cast<std::uint64_t>(engine::criteria_compiler_version) ||
        !reader.count(size)) {
        return std::nullopt;
    }
    std::vector<engine::Criterion> criteria(size);
    for (std::size_t i = 0; i < criteria.size(); ++i) {
        auto& criterion = criteria[i];
        unsigned char flags = 0;
        std::uint64_t type = 0;
        if (!reader.byte(flags) || !reader.varint(type) || type > last_type) {
            return std::nullopt;
        }
        criterion.kind = (flags & flag_exclusion) != 0 ? engine::CriterionKind::exclusion
                                                       : engine::CriterionKind::inclusion;
        criterion.negated = (flags & flag_negated) != 0;
        criterion.type = static_cast<engine::CriterionType>(type);
        if ((flags & flag_parent) != 0) {
            std::uint64_t parent = 0;
            // A parent comes before its children: anything else is not our encoding.
            if (!reader.varint(parent) || parent >= i) {
                return std::nullopt;
            }
            criterion.parent = static_cast<std::size_t>(parent);
        }
        if ((flags & flag_scope) != 0 && !reader.text(criterion.scope)) {
            return std::nullopt;
        }
        std::uint64_t params = 0;
        if (!reader.count(params)) {
            return std::nullopt;
        }
        criterion.params.resize(params);
        for (auto& param : criterion.params) {
            if (!read_param(reader, param)) {
                return std::nullopt;
            }
        }
    }
    if (!reader.at_end()) {
        return std::nullopt;
    }
    return criteria;
}

} // namespace trialmatch::data::detail
