// UTF-8 std::string <-> QString, the one conversion between storage/engine
// text and Qt text.
#pragma once

#include <QString>
#include <string>
#include <string_view>

namespace neox::app {

inline QString to_qstring(std::string_view s) {
  return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}
inline std::string to_std(const QString& s) {
  return s.toUtf8().toStdString();
}

}  // namespace neox::app
