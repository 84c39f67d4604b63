// Reads a list model's value by row and role name: what QML's and the tests'
// model.get(row, "title") calls use.
#pragma once

#include <QAbstractItemModel>
#include <QString>
#include <QVariant>

namespace neox::app {

inline QVariant value_by_role_name(const QAbstractItemModel& model, int row, const QString& role_name) {
  const QHash<int, QByteArray> names = model.roleNames();
  const QByteArray wanted = role_name.toUtf8();
  for (auto it = names.begin(); it != names.end(); ++it) {
    if (it.value() == wanted) return model.data(model.index(row, 0), it.key());
  }
  return {};
}

}  // namespace neox::app
