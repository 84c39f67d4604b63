// Tells whether the client of a request in progress has hung up, for
// responses that send nothing until the generation ends (non-streamed ones):
// a streamed response learns it from a failed write instead.
//
// cpp-httplib 0.11 does not give a handler its socket, so the socket is found
// among this process's open descriptors by the connection's two addresses,
// which identify a TCP connection uniquely. Linux only (/proc/self/fd);
// elsewhere, and when nothing matches, hung_up() is always false.
#pragma once

#include <string>

namespace neox::server {

class ConnectionWatch {
 public:
  // local_port, remote_addr, remote_port as the server saw the request.
  ConnectionWatch(int local_port, const std::string& remote_addr, int remote_port);
  // True once the peer closed the connection (a read would return end of
  // file) or it failed. Data the client sent already (a pipelined request)
  // does not count. Costs one non-blocking recv(MSG_PEEK).
  bool hung_up() const;
  bool watching() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace neox::server
