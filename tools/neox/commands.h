// The neox subcommands, one file each. Each returns the process exit code and
// throws neox::Error for anything the user must fix (main prints it).
#pragma once

namespace neox::cli {

int run_info(int argc, char** argv);
int run_tokenize(int argc, char** argv);
int run_generate(int argc, char** argv);
int run_chat(int argc, char** argv);
int run_bench(int argc, char** argv);
int run_quantize(int argc, char** argv);
int run_serve(int argc, char** argv);
int run_devices(int argc, char** argv);

}  // namespace neox::cli
