# Layers that the build enforces. Each layer compiles against a staged include
# root in the build tree holding symlinks to its own folders and to those of the
# layers below it — and nothing else — so an include that runs the wrong way
# (lang/ → interpreter/, interpreter/ → services/, base/ → lang/, …) fails with "No such file":
#
#   base          decimal, source positions and diagnostics, dates, UTF-8
#   lang          front end → checked, immutable edition (the built-ins' names and type rules included)
#   stdlib        what the built-in functions and 累进 compute
#   interpreter   the engine: evaluate a measure (compiled form and tree-walker), facts, results and their rendering
#   services      built on the engine: batch, allocation, the REPL session, diff, 例 and 性质
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

set(KUAN_LAYERS_DIR ${PROJECT_BINARY_DIR}/layers)
set(visible)
foreach(layer ${KUAN_LAYERS})
  list(APPEND visible ${KUAN_LAYER_FOLDERS_${layer}})
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
endforeach()
unset(visible)

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
