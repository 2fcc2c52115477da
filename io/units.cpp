#include "io/units.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

namespace tsvfield::io {
namespace {

// Exponents of the SI base units m, kg, s, A, K.
using Exponents = std::array<int, 5>;

constexpr Exponents kNone{0, 0, 0, 0, 0};
constexpr Exponents kMetre{1, 0, 0, 0, 0};
constexpr Exponents kKilogram{0, 1, 0, 0, 0};
constexpr Exponents kSecond{0, 0, 1, 0, 0};
constexpr Exponents kAmpere{0, 0, 0, 1, 0};
constexpr Exponents kKelvin{0, 0, 0, 0, 1};
constexpr Exponents kHertz{0, 0, -1, 0, 0};
constexpr Exponents kJoule{2, 1, -2, 0, 0};
constexpr Exponents kWatt{2, 1, -3, 0, 0};
constexpr Exponents kVolt{2, 1, -3, -1, 0};
constexpr Exponents kOhm{2, 1, -3, -2, 0};
constexpr Exponents kSiemens{-2, -1, 3, 2, 0};
constexpr Exponents kFarad{-2, -1, 4, 2, 0};
constexpr Exponents kHenry{2, 1, -2, -2, 0};

// A unit expression evaluated to a factor to SI and its dimension. `celsius` is
// set only while the expression is a lone degC, the one case with an offset.
struct UnitValue {
  double factor = 1;
  Exponents exponents = kNone;
  bool celsius = false;
};

struct UnitSymbol {
  std::string_view name;
  double factor;
  Exponents exponents;
  bool celsius = false;
};

// Symbols after normalisation (micro signs -> "u", Omega -> "ohm", degree sign -> "deg").
const std::vector<UnitSymbol>& unit_symbols() {
  static const std::vector<UnitSymbol> symbols = {
      {"m", 1, kMetre},         {"cm", 1e-2, kMetre},
      {"mm", 1e-3, kMetre},     {"um", 1e-6, kMetre},
      {"nm", 1e-9, kMetre},     {"km", 1e3, kMetre},
      {"mil", 25.4e-6, kMetre},  // 1/1000 inch, common in package drawings
      {"kg", 1, kKilogram},     {"g", 1e-3, kKilogram},
      {"s", 1, kSecond},        {"ms", 1e-3, kSecond},
      {"us", 1e-6, kSecond},    {"ns", 1e-9, kSecond},
      {"ps", 1e-12, kSecond},   {"min", 60, kSecond},
      {"h", 3600, kSecond},     {"Hz", 1, kHertz},
      {"kHz", 1e3, kHertz},     {"MHz", 1e6, kHertz},
      {"GHz", 1e9, kHertz},     {"K", 1, kKelvin},
      {"mK", 1e-3, kKelvin},    {"degC", 1, kKelvin, true},
      {"C", 1, kKelvin, true},  {"J", 1, kJoule},
      {"kJ", 1e3, kJoule},      {"mJ", 1e-3, kJoule},
      {"uJ", 1e-6, kJoule},     {"W", 1, kWatt},
      {"kW", 1e3, kWatt},       {"mW", 1e-3, kWatt},
      {"uW", 1e-6, kWatt},      {"nW", 1e-9, kWatt},
      {"V", 1, kVolt},          {"kV", 1e3, kVolt},
      {"mV", 1e-3, kVolt},      {"uV", 1e-6, kVolt},
      {"A", 1, kAmpere},        {"mA", 1e-3, kAmpere},
      {"uA", 1e-6, kAmpere},    {"nA", 1e-9, kAmpere},
      {"ohm", 1, kOhm},         {"Ohm", 1, kOhm},
      {"kohm", 1e3, kOhm},      {"kOhm", 1e3, kOhm},
      {"Mohm", 1e6, kOhm},      {"MOhm", 1e6, kOhm},
      {"mohm", 1e-3, kOhm},     {"mOhm", 1e-3, kOhm},
      {"uohm", 1e-6, kOhm},     {"uOhm", 1e-6, kOhm},
      {"S", 1, kSiemens},       {"mS", 1e-3, kSiemens},
      {"uS", 1e-6, kSiemens},   {"F", 1, kFarad},
      {"uF", 1e-6, kFarad},     {"nF", 1e-9, kFarad},
      {"pF", 1e-12, kFarad},    {"fF", 1e-15, kFarad},
      {"H", 1, kHenry},         {"uH", 1e-6, kHenry},
      {"nH", 1e-9, kHenry},     {"pH", 1e-12, kHenry},
  };
  return symbols;
}

struct DimensionInfo {
  Dimension dimension;
  const char* description;
  const char* units;
  Exponents exponents;
};

const std::vector<DimensionInfo>& dimension_table() {
  static const std::vector<DimensionInfo> table = {
      {Dimension::dimensionless, "a number", "no unit", kNone},
      {Dimension::length, "a length", "nm, um, mm, cm, m", kMetre},
      {Dimension::time, "a time", "ps, ns, us, ms, s", kSecond},
      {Dimension::frequency, "a frequency", "Hz, kHz, MHz, GHz", kHertz},
      {Dimension::temperature, "a temperature", "K, degC", kKelvin},
      {Dimension::temperature_difference, "a temperature difference", "K, degC", kKelvin},
      {Dimension::power, "a power", "uW, mW, W, kW", kWatt},
      {Dimension::voltage, "a voltage", "mV, V", kVolt},
      {Dimension::current, "a current", "uA, mA, A", kAmpere},
      {Dimension::resistance, "a resistance", "mohm, ohm, kohm", kOhm},
      {Dimension::thermal_conductivity,
       "a thermal conductivity",
       "W/(m*K), W/m/K",
       {1, 1, -3, 0, -1}},
      {Dimension::heat_transfer_coefficient,
       "a heat transfer coefficient",
       "W/(m^2*K), W/(cm^2*K)",
       {0, 1, -3, 0, -1}},
      {Dimension::thermal_interface_resistance,
       "a thermal interface resistance",
       "m^2*K/W, K*mm^2/W, K*cm^2/W",
       {0, -1, 3, 0, 1}},
      {Dimension::volumetric_heat_capacity,
       "a volumetric heat capacity",
       "J/(m^3*K)",
       {-1, 1, -2, 0, -1}},
      {Dimension::electrical_conductivity,
       "an electrical conductivity",
       "S/m, S/cm",
       {-3, -1, 3, 2, 0}},
      {Dimension::electrical_resistivity,
       "an electrical resistivity",
       "ohm*m, ohm*cm, uohm*cm",
       {3, 1, -3, -2, 0}},
      {Dimension::heat_flux, "a heat flux", "W/m^2, W/cm^2", {0, 1, -3, 0, 0}},
      {Dimension::power_density, "a power density", "W/m^3, W/mm^3", {-1, 1, -3, 0, 0}},
  };
  return table;
}

const DimensionInfo& info(Dimension dimension) {
  for (const auto& entry : dimension_table())
    if (entry.dimension == dimension) return entry;
  return dimension_table().front();
}

// Replaces the non-ASCII spellings engineers type with their ASCII forms.
std::string normalise_unit_text(std::string_view text) {
  struct Replacement {
    std::string_view from, to;
  };
  static const Replacement replacements[] = {
      {"\xC2\xB5", "u"},        // MICRO SIGN
      {"\xCE\xBC", "u"},        // GREEK SMALL LETTER MU
      {"\xCE\xA9", "ohm"},      // GREEK CAPITAL LETTER OMEGA
      {"\xE2\x84\xA6", "ohm"},  // OHM SIGN
      {"\xC2\xB0"
       "C",
       "degC"},            // DEGREE SIGN + C
      {"\xC2\xB7", "*"},   // MIDDLE DOT
      {"\xC2\xB2", "^2"},  // SUPERSCRIPT TWO
      {"\xC2\xB3", "^3"},  // SUPERSCRIPT THREE
      {"**", "^"},
  };
  std::string result;
  std::size_t i = 0;
  while (i < text.size()) {
    bool replaced = false;
    for (const auto& replacement : replacements) {
      if (text.substr(i, replacement.from.size()) == replacement.from) {
        result += replacement.to;
        i += replacement.from.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) result += text[i++];
  }
  return result;
}

UnitValue multiply(const UnitValue& a, const UnitValue& b, int sign) {
  UnitValue result;
  result.factor = sign > 0 ? a.factor * b.factor : a.factor / b.factor;
  for (std::size_t i = 0; i < result.exponents.size(); ++i)
    result.exponents[i] = a.exponents[i] + sign * b.exponents[i];
  return result;
}

UnitValue raise(const UnitValue& base, int power) {
  UnitValue result;
  result.factor = std::pow(base.factor, power);
  for (std::size_t i = 0; i < result.exponents.size(); ++i)
    result.exponents[i] = base.exponents[i] * power;
  result.celsius = base.celsius && power == 1;
  return result;
}

// Recursive-descent parser of a unit expression:
//   expression := power (('*' | '/') power)*
//   power      := atom ('^' integer)?
//   atom       := symbol | '(' expression ')'
// Throws std::invalid_argument with a short reason on malformed input.
class UnitParser {
 public:
  explicit UnitParser(std::string text) : text_(std::move(text)) {}

  UnitValue parse() {
    UnitValue value = expression();
    skip_spaces();
    if (pos_ != text_.size())
      throw std::invalid_argument("unexpected '" + text_.substr(pos_) + "' in the unit");
    return value;
  }

 private:
  UnitValue expression() {
    UnitValue value = power();
    for (;;) {
      skip_spaces();
      if (pos_ >= text_.size() || (text_[pos_] != '*' && text_[pos_] != '/')) return value;
      const int sign = text_[pos_++] == '*' ? 1 : -1;
      value = multiply(value, power(), sign);
    }
  }

  UnitValue power() {
    UnitValue base = atom();
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == '^') {
      ++pos_;
      skip_spaces();
      return raise(base, integer());
    }
    return base;
  }

  UnitValue atom() {
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      ++pos_;
      UnitValue inner = expression();
      skip_spaces();
      if (pos_ >= text_.size() || text_[pos_] != ')')
        throw std::invalid_argument("missing ')' in the unit");
      ++pos_;
      inner.celsius = false;
      return inner;
    }
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalpha(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
      ++pos_;
    const std::string name = text_.substr(start, pos_ - start);
    if (name.empty()) {
      if (start >= text_.size()) throw std::invalid_argument("the unit ends too early");
      throw std::invalid_argument("unexpected '" + text_.substr(start) + "' in the unit");
    }
    for (const auto& symbol : unit_symbols())
      if (symbol.name == name) return {symbol.factor, symbol.exponents, symbol.celsius};
    throw std::invalid_argument("unknown unit '" + name + "'");
  }

  int integer() {
    const std::size_t start = pos_;
    if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+')) ++pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    const std::string digits = text_.substr(start, pos_ - start);
    int value = 0;
    const char* first = digits.data() + (digits.starts_with('+') ? 1 : 0);
    const auto [end, error] = std::from_chars(first, digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size() || value < -12 || value > 12)
      throw std::invalid_argument("expected an integer exponent after '^'");
    return value;
  }

  void skip_spaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  std::string text_;
  std::size_t pos_ = 0;
};

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

// YAML's .nan/.inf and C's nan/inf: recognised so the message can say why they are refused.
bool names_non_finite(std::string_view number_text) {
  std::string text = lower(number_text);
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.erase(0, 1);
  if (!text.empty() && text.front() == '.') text.erase(0, 1);
  return text.starts_with("nan") || text.starts_with("inf");
}

[[noreturn]] void fail(Dimension expected, std::string_view text, const std::string& detail) {
  std::string message = "expected " + dimension_description(expected);
  if (expected != Dimension::dimensionless) message += " (" + accepted_units(expected) + ")";
  message += ", found ";
  message += text.empty() ? std::string("nothing") : "'" + std::string(text) + "'";
  if (!detail.empty()) message += " (" + detail + ")";
  throw UnitError(message);
}

// "a power" when the exponents match a known dimension, else empty.
std::string describe_exponents(const Exponents& exponents) {
  for (const auto& entry : dimension_table())
    if (entry.exponents == exponents && entry.dimension != Dimension::temperature_difference)
      return entry.description;
  return {};
}

}  // namespace

std::string dimension_description(Dimension dimension) {
  return info(dimension).description;
}

std::string accepted_units(Dimension dimension) {
  return info(dimension).units;
}

double parse_quantity(std::string_view raw_text, Dimension expected) {
  const std::string_view text = trim(raw_text);
  if (text.empty()) fail(expected, text, "");

  // The number: from_chars takes no leading '+'.
  std::string_view number_text = text;
  if (number_text.starts_with('+')) number_text.remove_prefix(1);
  if (names_non_finite(number_text)) fail(expected, text, "not a finite number");
  double number = 0;
  const auto [number_end, error] =
      std::from_chars(number_text.data(), number_text.data() + number_text.size(), number);
  if (error == std::errc::result_out_of_range) fail(expected, text, "number out of range");
  if (error != std::errc()) fail(expected, text, "");
  const std::string_view unit_text =
      trim(number_text.substr(static_cast<std::size_t>(number_end - number_text.data())));

  UnitValue unit;
  if (!unit_text.empty()) {
    if (expected == Dimension::dimensionless) fail(expected, text, "a plain number has no unit");
    try {
      unit = UnitParser(normalise_unit_text(unit_text)).parse();
    } catch (const std::invalid_argument& reason) {
      fail(expected, text, reason.what());
    }
  }
  const Exponents& wanted = info(expected).exponents;
  if (!unit_text.empty() && unit.exponents != wanted)
    fail(expected, text, describe_exponents(unit.exponents));

  double value = number * unit.factor;
  if (unit.celsius && expected == Dimension::temperature) value += 273.15;
  if (!std::isfinite(value)) fail(expected, text, "number out of range");
  if (expected == Dimension::temperature && value < 0) fail(expected, text, "below absolute zero");
  return value;
}

}  // namespace tsvfield::io
