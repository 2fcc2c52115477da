// The electrical analyses of the resolved case (case.resolved.json "electrical"):
// every terminal, conductor and setting as the run used it, defaults filled in, SI.
#include "io/case_json.hpp"
#include "io/electrical_report.hpp"

namespace tsvfield::io {
namespace {

const char* terminal_kind_name(physics::TerminalKind kind) {
  switch (kind) {
    case physics::TerminalKind::conductor_end:
      return "conductor_end";
    case physics::TerminalKind::net_end:
      return "net_end";
    case physics::TerminalKind::surface:
      return "surface";
  }
  return "conductor_end";
}

JsonValue terminal_json(const physics::TerminalSpec& terminal) {
  JsonValue value = JsonValue::object();
  value.set("name", terminal.name).set("kind", terminal_kind_name(terminal.kind));
  if (terminal.kind == physics::TerminalKind::surface) {
    value.set("surface", terminal.surface);
  } else {
    value.set("conductors", JsonValue::array(terminal.conductors))
        .set("role", terminal.role)
        .set("end", terminal.end == physics::ConductorEnd::top ? "top" : "bottom");
  }
  if (terminal.drive == physics::TerminalDrive::voltage)
    value.set("voltage_V", terminal.voltage);
  else
    value.set("current_A", terminal.current);
  return value;
}

JsonValue conduction_json(const physics::ConductionSpec& spec) {
  JsonValue terminals = JsonValue::array();
  for (const auto& terminal : spec.terminals) terminals.push(terminal_json(terminal));
  JsonValue value = JsonValue::object();
  if (spec.temperature_mode == physics::ConductionTemperature::coupled)
    value.set("temperature", "coupled");
  else
    value.set("temperature_K", spec.temperature_K);
  value.set("insulator_threshold_S_m", spec.insulator_threshold)
      .set("rtol", spec.relative_tolerance)
      .set("terminals", std::move(terminals))
      .set("resistance_matrix", JsonValue::array(spec.resistance_terminals));
  return value;
}

JsonValue electrostatic_json(const physics::ElectrostaticSpec& spec) {
  JsonValue conductors = JsonValue::array();
  for (const auto& conductor : spec.conductors) {
    JsonValue item = JsonValue::object();
    item.set("name", conductor.name)
        .set("conductors", JsonValue::array(conductor.conductors))
        .set("role", conductor.role);
    conductors.push(std::move(item));
  }
  JsonValue value = JsonValue::object();
  value.set("silicon", silicon_treatment_name(spec.silicon))
      .set("semiconductors", JsonValue::array(spec.semiconductors))
      .set("ground_surfaces", JsonValue::array(spec.ground_surfaces))
      .set("temperature_K", spec.temperature_K)
      .set("rtol", spec.relative_tolerance)
      .set("conductors", std::move(conductors));
  return value;
}

}  // namespace

JsonValue electrical_case_json(const Case& the_case) {
  JsonValue value = JsonValue::object();
  if (the_case.conduction) value.set("conduction", conduction_json(*the_case.conduction));
  if (!the_case.electrostatics.empty()) {
    JsonValue list = JsonValue::array();
    for (const auto& spec : the_case.electrostatics) list.push(electrostatic_json(spec));
    value.set("electrostatic", std::move(list));
  }
  if (the_case.electrothermal) {
    JsonValue coupling = JsonValue::object();
    coupling.set("tolerance", the_case.electrothermal->tolerance)
        .set("max_iterations", the_case.electrothermal->max_iterations);
    value.set("electrothermal", std::move(coupling));
  }
  return value;
}

}  // namespace tsvfield::io
