#include "connection_watch.h"

#ifdef __linux__
#include <dirent.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#endif

namespace neox::server {

#ifdef __linux__
namespace {

int port_of(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// Numeric host, as cpp-httplib writes Request::remote_addr.
std::string address_of(const sockaddr_storage& a, socklen_t length) {
  char host[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&a), length, host, sizeof host, nullptr, 0,
                  NI_NUMERICHOST) != 0)
    return {};
  return host;
}

}  // namespace

ConnectionWatch::ConnectionWatch(int local_port, const std::string& remote_addr, int remote_port) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* entry = readdir(dir)) {
    const int fd = std::atoi(entry->d_name);  // "." and ".." give 0
    if (fd <= 2) continue;
    sockaddr_storage local{}, peer{};
    socklen_t local_length = sizeof local, peer_length = sizeof peer;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0 ||
        getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0)
      continue;
    if (port_of(local) == local_port && port_of(peer) == remote_port &&
        address_of(peer, peer_length) == remote_addr) {
      fd_ = fd;
      break;
    }
  }
  closedir(dir);
}

bool ConnectionWatch::hung_up() const {
  if (fd_ < 0) return false;
  char byte;
  const ssize_t n = recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true;  // orderly close
  return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
}

#else

ConnectionWatch::ConnectionWatch(int, const std::string&, int) {}
bool ConnectionWatch::hung_up() const {
  return false;
}

#endif

}  // namespace neox::server
