# Layers that the build enforces. Each layer compiles against a staged include
# root in the build tree holding symlinks to its own folders and to those of the
# layers below it — and nothing else — so an include that runs the wrong way
# (lang/ → interpreter/, interpreter/ → services/, base/ → lang/, …) fails with "No such file":
#
#   base          decimal, source positions and diagnostics, dates, UTF-8
#   lang          front end → checked, immutable edition (the built-ins' names and type rules included)
#   stdlib        what the built-in functions and 累进 compute
#   interpreter   the engine: evaluate a measure (compiled form and tree-walker), facts, results and their rendering
#                 (the results are the public records it builds: KUAN_PUBLIC_RECORDS_interpreter)
#   services      built on the engine: batch, allocation, the REPL session, diff, 例 and 性质
#                 (and the std-only public records it fills: KUAN_PUBLIC_RECORDS_services)
#   api           the public façade (include/kuan/) and its implementation (api/)
#   tools         the `kuan` command, REPL, LSP: they see include/kuan/ and tools/ only
#
# kuan_layer_root(<layer>) gives a layer's staged root.
set(KUAN_LAYERS base lang stdlib interpreter services api tools)
set(KUAN_LAYER_FOLDERS_base base)
set(KUAN_LAYER_FOLDERS_lang lang)
set(KUAN_LAYER_FOLDERS_stdlib stdlib)
set(KUAN_LAYER_FOLDERS_interpreter interpreter)
set(KUAN_LAYER_FOLDERS_services services)
set(KUAN_LAYER_FOLDERS_api api include/kuan)
set(KUAN_LAYER_FOLDERS_tools tools)

# One set of records: a std-only public header whose types a layer below the
# api fills or implements itself (instead of a copy of them that the façade
# converts) is listed here under the lowest layer that uses it. That layer and
# the ones above it see the listed files — and only those — as kuan/<file>;
# from the api up the whole of include/kuan is seen. A header listed here may
# include only the standard library and headers listed at the same layer or below.
set(KUAN_PUBLIC_RECORDS_interpreter common.hpp records.hpp)  # results, explanations, errors
set(KUAN_PUBLIC_RECORDS_services allocator.hpp batch_records.hpp)

set(KUAN_LAYERS_DIR ${PROJECT_BINARY_DIR}/layers)
set(visible)
set(records)
foreach(layer ${KUAN_LAYERS})
  list(APPEND visible ${KUAN_LAYER_FOLDERS_${layer}})
  list(APPEND records ${KUAN_PUBLIC_RECORDS_${layer}})
  # The tools see the public façade only, not the layers under it.
  if(layer STREQUAL "tools")
    set(visible include/kuan tools)
  endif()
  file(REMOVE_RECURSE ${KUAN_LAYERS_DIR}/${layer})
  file(MAKE_DIRECTORY ${KUAN_LAYERS_DIR}/${layer})
  foreach(folder ${visible})
    get_filename_component(name ${folder} NAME)  # include/kuan is seen as kuan/
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${folder} ${KUAN_LAYERS_DIR}/${layer}/${name} SYMBOLIC)
  endforeach()
  if(records AND NOT "include/kuan" IN_LIST visible)
    file(MAKE_DIRECTORY ${KUAN_LAYERS_DIR}/${layer}/kuan)
    foreach(header ${records})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/kuan/${header} ${KUAN_LAYERS_DIR}/${layer}/kuan/${header} SYMBOLIC)
    endforeach()
  endif()
endforeach()
unset(visible)
unset(records)

function(kuan_layer_root layer out)
  set(${out} ${KUAN_LAYERS_DIR}/${layer} PARENT_SCOPE)
endfunction()

# An object library of one layer: its sources see only the layer's staged root.
function(kuan_add_layer layer)
  add_library(kuan_${layer} OBJECT ${ARGN})
  target_include_directories(kuan_${layer} PRIVATE ${KUAN_LAYERS_DIR}/${layer})
  set_target_properties(kuan_${layer} PROPERTIES POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_compile_definitions(kuan_${layer} PRIVATE KUAN_BUILDING)
  kuan_strict_warnings(kuan_${layer})
endfunction()
