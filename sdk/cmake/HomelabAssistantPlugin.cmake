# homelab_assistant_add_plugin(<target> SOURCES <src>... [OUTPUT_NAME <name>])
#
# Builds a Homelab Assistant plugin: a MODULE library without the "lib" prefix that exports
# only the entry symbol (hidden visibility + linker version script) and has no undefined
# symbols. Link further dependencies with target_link_libraries(<target> PRIVATE ...).
include_guard(GLOBAL)

# A global property, because functions run in their caller's directory scope.
set_property(GLOBAL PROPERTY HOMELAB_ASSISTANT_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/plugin.map")

function(homelab_assistant_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_NAME" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "homelab_assistant_add_plugin(${target}): SOURCES is required")
  endif()
  get_property(_map GLOBAL PROPERTY HOMELAB_ASSISTANT_PLUGIN_MAP)
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE HomelabAssistant::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${_map}")
  if(ARG_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME "${ARG_OUTPUT_NAME}")
  endif()
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${_map}"
    "LINKER:--no-undefined"
    "LINKER:-z,relro,-z,now")
endfunction()
