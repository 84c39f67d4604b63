// An OpenAI-shaped API error: the HTTP status and the body
//   {"error": {"message": ..., "type": ..., "param": ... | null, "code": ... | null}}
// that OpenAI clients parse and show. Thrown as ApiException by request
// parsing and by the server's checks; never crosses into the engine.
#pragma once

#include <exception>
#include <string>

namespace neox::server {

struct ApiError {
  int status = 400;
  std::string message;                         // for the user: what was wrong and what is allowed
  std::string type = "invalid_request_error";  // OpenAI's error types
  std::string param;                           // the request field at fault; "" → null
  std::string code;                            // machine-readable reason; "" → null

  // The JSON body, one line (invalid UTF-8 from the request is replaced).
  std::string body() const;
};

class ApiException : public std::exception {
 public:
  explicit ApiException(ApiError error) : error_(std::move(error)) {}
  const ApiError& error() const { return error_; }
  const char* what() const noexcept override { return error_.message.c_str(); }

 private:
  ApiError error_;
};

// A 400 invalid_request_error about `param`.
[[noreturn]] void throw_invalid(const std::string& param, const std::string& message,
                                const std::string& code = "invalid_value");

}  // namespace neox::server
