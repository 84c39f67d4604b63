# Warnings as errors on our own code only (third-party headers are SYSTEM).
function(neox_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter)
endfunction()
