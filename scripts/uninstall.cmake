# `make uninstall` (cmake -P, run in the build tree): remove every file the last
# install from this tree wrote, as listed in install_manifest.txt (under $DESTDIR
# when set, as for the install), then the directories that are bpfline's own
# (share/bpfline/tools, share/doc/bpfline) once they are empty. Shared directories
# (bin, share/man/man8, ...) stay, even when empty.
set(manifest "${CMAKE_CURRENT_BINARY_DIR}/install_manifest.txt")
if(NOT EXISTS "${manifest}")
  message(FATAL_ERROR "nothing to uninstall: ${manifest} does not exist "
                      "(run make install from this build tree first)")
endif()
file(STRINGS "${manifest}" files)
foreach(f IN LISTS files)
  set(f "$ENV{DESTDIR}${f}")
  if(IS_SYMLINK "${f}" OR EXISTS "${f}")
    message(STATUS "Removing: ${f}")
    file(REMOVE "${f}")
  else()
    message(STATUS "Already gone: ${f}")
  endif()
  # climb out of bpfline's own directories while they are empty
  get_filename_component(dir "${f}" DIRECTORY)
  while(dir MATCHES "/share/bpfline(/tools)?$" OR dir MATCHES "/share/doc/bpfline$")
    file(GLOB left LIST_DIRECTORIES true "${dir}/*" "${dir}/.*")
    if(left OR NOT IS_DIRECTORY "${dir}")
      break()
    endif()
    file(REMOVE_RECURSE "${dir}")	# empty: checked above
    message(STATUS "Removing: ${dir}/")
    get_filename_component(dir "${dir}" DIRECTORY)
  endwhile()
endforeach()
file(REMOVE "${manifest}")
