# Cortex-M4F image: the core + the template port + a bare main loop.
# Produces cortex-m-size.txt (flash = text + data, RAM = data + bss).
# An MCU serves a few links at once: optical, one HDLC line, two TCP clients.
target_compile_definitions(polyphase_core PUBLIC PP_METER_MAX_CONNS=4 PP_DLMS_SERVER_SESSIONS=4u)
file(GLOB PP_TEMPLATE_SOURCES ${CMAKE_SOURCE_DIR}/src/port/template/*.c)
add_executable(polyphase_cortex_m4.elf ${PP_TEMPLATE_SOURCES})
target_compile_options(polyphase_cortex_m4.elf PRIVATE ${PP_WARNINGS})
target_link_libraries(polyphase_cortex_m4.elf PRIVATE polyphase_core m)
target_link_options(polyphase_cortex_m4.elf PRIVATE -Wl,-Map=polyphase_cortex_m4.map)
add_custom_command(TARGET polyphase_cortex_m4.elf POST_BUILD
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/size-report.sh $<TARGET_FILE:polyphase_cortex_m4.elf>
          ${CMAKE_BINARY_DIR}/cortex-m-size.txt
  COMMAND ${CMAKE_COMMAND} -E env NM=arm-none-eabi-nm OBJDUMP=arm-none-eabi-objdump
          bash ${CMAKE_SOURCE_DIR}/scripts/check-core.sh $<TARGET_FILE:polyphase_core>
  VERBATIM)
