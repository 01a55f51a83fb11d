# The libFuzzer harnesses (included by CMakeLists.txt under -DBPFL_FUZZ=ON, which
# also instruments bpfline_core): fuzz_frontend and fuzz_codegen, and the fake
# kernel's BTF they load, compiled from tests/fuzz/kernel/vmlinux.c.
set(FUZZ_DIR ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz)
set(FUZZ_BTF ${CMAKE_CURRENT_BINARY_DIR}/fuzz-vmlinux.o)
add_custom_command(OUTPUT ${FUZZ_BTF}
  COMMAND ${CMAKE_C_COMPILER} -target bpf -g -O2 -c ${FUZZ_DIR}/kernel/vmlinux.c -o ${FUZZ_BTF}
  DEPENDS ${FUZZ_DIR}/kernel/vmlinux.c
  COMMENT "fake kernel BTF for the fuzz harnesses")
add_custom_target(fuzz_btf ALL DEPENDS ${FUZZ_BTF})

foreach(harness frontend codegen)
  add_executable(fuzz_${harness} ${FUZZ_DIR}/fuzz_${harness}.c ${FUZZ_DIR}/fuzz_common.c)
  target_compile_options(fuzz_${harness} PRIVATE ${BPFL_WARNINGS})
  target_compile_definitions(fuzz_${harness} PRIVATE FUZZ_BTF="${FUZZ_BTF}"
    FUZZ_KERNEL_DIR="${FUZZ_DIR}/kernel")
  target_link_libraries(fuzz_${harness} PRIVATE bpfline_core)
  target_link_options(fuzz_${harness} PRIVATE -fsanitize=fuzzer)
  add_dependencies(fuzz_${harness} fuzz_btf)
endforeach()
