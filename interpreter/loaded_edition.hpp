// An edition as the engine holds it: the checked edition (lang/edition.hpp)
// and what the interpreter built from it once, when it was loaded — each
// measure's compiled form (interpreter/compiled.hpp), by measure index. Every
// Edition is made as one (build_edition), so the engine finds a measure's
// compiled form from the Edition it is handed, as cheaply as a field.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "lang/edition.hpp"

namespace kuan {

struct CompiledMeasure;  // interpreter/compiled_plan.hpp

struct LoadedEdition final : Edition {
  // By measure index; null: the measure is evaluated by the tree-walker alone.
  std::vector<std::shared_ptr<const CompiledMeasure>> compiled;
};

// The compiled form of `measure`, a measure of `edition`; null when it has none.
inline const CompiledMeasure* compiled_form(const Edition& edition, const MeasureInfo& measure) {
  const auto& table = static_cast<const LoadedEdition&>(edition).compiled;
  const auto index = (reinterpret_cast<std::uintptr_t>(&measure) - reinterpret_cast<std::uintptr_t>(edition.measures.data())) /
                     sizeof(MeasureInfo);
  return index < table.size() ? table[index].get() : nullptr;
}

}  // namespace kuan
