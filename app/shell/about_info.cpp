#include "shell/about_info.h"

#include <QtGlobal>

#include "neox_build_info.h"

namespace neox::app {

QString AboutInfo::version() const {
  return QString::fromUtf8(build::version());
}

QString AboutInfo::commit() const {
  QString text = QString::fromUtf8(build::git_commit());
  if (*build::git_commit_date() != '\0') text += QStringLiteral(" (%1)").arg(build::git_commit_date());
  return text;
}

QString AboutInfo::buildType() const {
  return QString::fromUtf8(build::build_type());
}

QString AboutInfo::compiler() const {
  return QString::fromUtf8(build::compiler());
}

QStringList AboutInfo::compiledBackends() const {
  QStringList names;
  for (const std::string& name : build::compiled_backends()) names << QString::fromStdString(name);
  return names;
}

QString AboutInfo::license() const {
  return QString::fromUtf8(build::license());
}

QString AboutInfo::homepage() const {
  return QString::fromUtf8(build::homepage());
}

QString AboutInfo::qtVersion() const {
  return QString::fromUtf8(qVersion());
}

QStringList AboutInfo::findDevices() const {
  const build::FoundBackends found = build::find_backends();
  QStringList lines;
  for (const std::string& device : found.devices) lines << QString::fromStdString(device);
  for (const std::string& reason : found.unavailable)
    lines << QStringLiteral("unavailable: ") + QString::fromStdString(reason);
  return lines;
}

QString AboutInfo::reportText() const {
  return QString::fromStdString(build::version_text("neox-studio", /*with_devices=*/true)) +
         QStringLiteral("Qt: ") + qtVersion() + QLatin1Char('\n');
}

}  // namespace neox::app
