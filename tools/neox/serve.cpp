// neox serve MODEL: the OpenAI-compatible API over one model until Ctrl-C.
// Loopback only unless --host names another address, which needs a key.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "args.h"
#include "backend_flags.h"
#include "commands.h"
#include "neox/error.h"
#include "neox/server/api_server.h"

namespace neox::cli {

int run_serve(int argc, char** argv) {
  ArgParser args("serve", "MODEL [--host 127.0.0.1] [--port 4891] [--api-key KEY] [options]");
  args.option("--host", "", "address to listen on (default 127.0.0.1; any other needs --api-key)")
      .option("--port", "", "TCP port (default 4891; 0 picks a free one, printed at start)")
      .option("--api-key", "", "require \"Authorization: Bearer KEY\" (default: $NEOX_API_KEY, else none)")
      .option("--model-id", "", "the model's name in the API (default: the file name)")
      .option("--template", "",
              "chat template (raw, openassistant, redpajama, dolly, stablelm, chatml); "
              "default guessed from the model name")
      .option("--ctx", "", "context length in tokens (default min(trained, 2048))")
      .option("--threads", "", "CPU threads (default all)")
      .option("--max-body", "", "largest request body in bytes (default 4194304)")
      .option("--max-queue", "", "requests that may wait for the model (default 32); more get 429")
      .option("--queue-timeout", "", "seconds a request may wait for the model (default 60); then 503");
  add_backend_flags(args);
  args.parse(argc, argv, 2);
  if (args.has("--help")) {
    std::fputs(args.help().c_str(), stdout);
    return 0;
  }
  if (args.positional().size() != 1) throw Error("neox serve: give one MODEL (see neox serve --help)");

  server::ServerOptions options;
  options.host = args.get("--host", options.host);
  options.port = static_cast<int>(args.get_int("--port", options.port));
  if (options.port < 0 || options.port > 65535) throw Error("neox serve: --port must be 0..65535");
  const char* env_key = std::getenv("NEOX_API_KEY");
  options.api_key = args.get("--api-key", env_key ? env_key : "");
  options.model_id = args.get("--model-id", "");
  options.chat_template = args.get("--template", "");
  options.n_ctx = args.get_int("--ctx", 0);
  options.kv_cache = kv_cache_type(args);
  const long long max_body = args.get_int("--max-body", static_cast<long long>(options.max_body_bytes));
  const long long max_queue = args.get_int("--max-queue", static_cast<long long>(options.max_waiting));
  const double queue_timeout = args.get_float("--queue-timeout", 60.0);
  if (max_body < 1 || max_queue < 0 || max_queue > 4096 || !(queue_timeout >= 0))
    throw Error("neox serve: --max-body must be positive, --max-queue 0..4096, --queue-timeout >= 0");
  options.max_body_bytes = static_cast<size_t>(max_body);
  options.max_waiting = static_cast<size_t>(max_queue);
  options.queue_timeout = std::chrono::milliseconds(static_cast<long long>(queue_timeout * 1000.0));
  options.log = [](const std::string& line) { std::fprintf(stderr, "neox serve: %s\n", line.c_str()); };
  // Refuse an unsafe host before spending time loading the model.
  if (!server::is_loopback_host(options.host) && options.api_key.empty())
    throw Error("neox serve: refusing to listen on \"" + options.host +
                "\" without an API key (other machines could use the model); give --api-key KEY or "
                "NEOX_API_KEY, or keep the default 127.0.0.1");

  auto model = LoadedModel::open(args.positional()[0], load_options(args));
  print_backend(*model, stderr);

  // Ctrl-C and SIGTERM stop the server cleanly: blocked here (and in every
  // thread started later), taken by one thread with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client gone mid-write is an error return, not a crash

  server::ApiServer server(model, options);
  server.bind();
  std::atomic<bool> finished{false};
  std::thread stopper([&] {
    const timespec tick{0, 200 * 1000 * 1000};
    while (!finished.load()) {
      if (sigtimedwait(&stop_signals, nullptr, &tick) > 0) {
        std::fprintf(stderr, "neox serve: stopping\n");
        server.stop();
        return;
      }
    }
  });
  std::fprintf(stderr, "neox serve: %s on http://%s:%d/v1 (chat template %s%s); Ctrl-C stops\n",
               server.model_id().c_str(), options.host.c_str(), server.port(), server.chat_template().c_str(),
               options.api_key.empty() ? "" : ", API key required");
  std::fflush(stderr);
  server.run();
  finished.store(true);  // run() also ends if the listener fails
  stopper.join();
  return 0;
}

}  // namespace neox::cli
