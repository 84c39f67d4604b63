// The sampling and generation flags shared by `generate` and `chat`.
#pragma once

#include "args.h"
#include "neox/session.h"

namespace neox::cli {

// Declares --temp, --top-k, --top-p, --min-p, --repeat-penalty,
// --repeat-last-n, --frequency-penalty, --presence-penalty, --logit-bias,
// --seed, -n/--max-tokens, --stop, --ctx, --threads, --ignore-eos.
void add_generation_flags(ArgParser& args);
// Reads them into options (validated; throws neox::Error on a bad value).
GenerateOptions generation_options(const ArgParser& args);

}  // namespace neox::cli
