// The message columns in one order, shared by every query that reads messages.
#pragma once

#include "neox/storage/records.h"
#include "neox/storage/sqlite.h"

namespace neox::storage {

#define NEOX_MESSAGE_COLUMNS                                                                            \
  "m.id, m.conversation_id, m.parent_id, m.role, m.text, m.status, m.error, m.model, m.prompt_tokens, " \
  "m.completion_tokens, m.ttft_ms, m.tokens_per_second, m.created_ms, m.updated_ms"

inline Message read_message(const sql::Statement& row) {
  Message m;
  m.id = row.int64(0);
  m.conversation_id = row.int64(1);
  m.parent_id = row.is_null(2) ? 0 : row.int64(2);
  m.role = parse_role(row.text(3));
  m.text = row.text(4);
  m.status = parse_status(row.text(5));
  m.error = row.text(6);
  m.model = row.text(7);
  m.stats.prompt_tokens = row.int64(8);
  m.stats.completion_tokens = row.int64(9);
  m.stats.time_to_first_token_ms = row.real(10);
  m.stats.tokens_per_second = row.real(11);
  m.created_ms = row.int64(12);
  m.updated_ms = row.int64(13);
  return m;
}

}  // namespace neox::storage
