#include "neox/storage/records.h"

#include <string>

#include "neox/storage/storage_error.h"

namespace neox::storage {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kSystem:
      return "system";
    case Role::kUser:
      return "user";
    case Role::kAssistant:
      return "assistant";
  }
  return "user";
}

std::string_view to_string(MessageStatus status) {
  switch (status) {
    case MessageStatus::kComplete:
      return "complete";
    case MessageStatus::kStreaming:
      return "streaming";
    case MessageStatus::kStopped:
      return "stopped";
    case MessageStatus::kFailed:
      return "failed";
  }
  return "complete";
}

Role parse_role(std::string_view name) {
  for (Role role : {Role::kSystem, Role::kUser, Role::kAssistant}) {
    if (to_string(role) == name) return role;
  }
  throw StorageError(ErrorKind::kInvalidArgument, "unknown message role \"" + std::string(name) + "\"");
}

MessageStatus parse_status(std::string_view name) {
  for (MessageStatus status : {MessageStatus::kComplete, MessageStatus::kStreaming, MessageStatus::kStopped,
                               MessageStatus::kFailed}) {
    if (to_string(status) == name) return status;
  }
  throw StorageError(ErrorKind::kInvalidArgument, "unknown message status \"" + std::string(name) + "\"");
}

std::string Siblings::label() const {
  if (ids.empty()) return "0/0";
  return std::to_string(index + 1) + "/" + std::to_string(ids.size());
}

}  // namespace neox::storage
