# Proves the build enforces the layers (cmake/layers.cmake): a header of a
# higher layer cannot be included from a lower one, compiled exactly as that
# layer's sources are (its staged include root only), while the same compiler
# and flags do find the layer's own headers and those below.
#   cmake -DCXX=… -DLAYERS=<build>/layers -DWORK=<dir> -P check_layers.cmake
cmake_minimum_required(VERSION 3.20)
file(MAKE_DIRECTORY ${WORK})

# compiles(<layer> <header> <expect: found|missing>)
function(probe layer header expect)
  string(MAKE_C_IDENTIFIER "${layer}_${header}" name)
  set(src ${WORK}/${name}.cpp)
  file(WRITE ${src} "#include \"${header}\"\n")
  execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only -I ${LAYERS}/${layer} ${src}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(expect STREQUAL "found" AND NOT rc EQUAL 0)
    message(FATAL_ERROR "layer ${layer} should see ${header}, but:\n${err}")
  endif()
  if(expect STREQUAL "missing")
    if(rc EQUAL 0)
      message(FATAL_ERROR "layer ${layer} includes ${header} from a higher layer, and it compiled")
    endif()
    if(NOT err MATCHES "No such file")
      message(FATAL_ERROR "layer ${layer} including ${header} failed for another reason:\n${err}")
    endif()
  endif()
  message(STATUS "${layer} → ${header}: ${expect}")
endfunction()

# The wrong way: each must fail to compile.
probe(base lang/types.hpp missing)
probe(base interpreter/evaluator.hpp missing)
probe(lang interpreter/evaluator.hpp missing)
probe(lang kuan/kuan.hpp missing)
# The language does not include the standard library from below.
probe(lang stdlib/builtins.hpp missing)
probe(stdlib interpreter/evaluator.hpp missing)
probe(interpreter kuan/kuan.hpp missing)
# The engine does not see the services built on it.
probe(interpreter services/batch.hpp missing)
probe(interpreter services/allocate.hpp missing)
probe(interpreter services/session.hpp missing)
probe(lang services/diff.hpp missing)
probe(services kuan/kuan.hpp missing)
# Of the façade, the engine and services see the public records alone.
probe(lang kuan/records.hpp missing)
probe(interpreter kuan/batch.hpp missing)
probe(services kuan/batch.hpp missing)
probe(services kuan/allocation.hpp missing)
probe(interpreter kuan/allocator.hpp missing)
probe(services tools/cli.hpp missing)
probe(interpreter tools/cli.hpp missing)
probe(api tools/cli.hpp missing)
# tools/ (the kuan command, REPL, LSP) sees the public façade only.
probe(tools interpreter/evaluator.hpp missing)
probe(tools lang/parser.hpp missing)
probe(tools base/decimal.hpp missing)
probe(tools api/handles.hpp missing)
probe(tools services/batch.hpp missing)
# The right way (controls: the probe itself works).
probe(base base/date.hpp found)
probe(lang base/date.hpp found)
probe(lang lang/types.hpp found)
probe(stdlib lang/builtin_types.hpp found)
probe(interpreter stdlib/builtins.hpp found)
probe(api kuan/kuan.hpp found)
probe(interpreter kuan/records.hpp found)
probe(services kuan/records.hpp found)
probe(services interpreter/evaluator.hpp found)
probe(services services/batch.hpp found)
# The public records a service fills itself (one set, no copy): std-only, seen from the services up.
probe(services kuan/allocator.hpp found)
probe(services kuan/batch_records.hpp found)
probe(interpreter kuan/batch_records.hpp missing)
probe(api kuan/allocator.hpp found)
probe(api services/batch.hpp found)
probe(tools kuan/kuan.h found)
probe(tools kuan/batch.hpp found)
probe(tools tools/cli.hpp found)
