// What the About dialog shows (QML singleton NeoxStudio.Native/BuildInfo):
// the same facts as `neox-studio --version` and `neox --version`, read from
// neox_build_info (cmake/buildinfo), plus the devices found when asked.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

namespace neox::app {

class AboutInfo : public QObject {
  Q_OBJECT
  Q_PROPERTY(QString version READ version CONSTANT)
  Q_PROPERTY(QString commit READ commit CONSTANT)
  Q_PROPERTY(QString buildType READ buildType CONSTANT)
  Q_PROPERTY(QString compiler READ compiler CONSTANT)
  Q_PROPERTY(QStringList compiledBackends READ compiledBackends CONSTANT)
  Q_PROPERTY(QString license READ license CONSTANT)
  Q_PROPERTY(QString homepage READ homepage CONSTANT)
  Q_PROPERTY(QString qtVersion READ qtVersion CONSTANT)

 public:
  using QObject::QObject;

  QString version() const;
  QString commit() const;  // "cd69bb1 (2026-11-29)", "-dirty" when built from a changed tree
  QString buildType() const;
  QString compiler() const;
  QStringList compiledBackends() const;
  QString license() const;
  QString homepage() const;
  QString qtVersion() const;  // the Qt the app runs on (the .deb takes the system's)

  // One line per device neox::list_devices() finds, then "unavailable: ..."
  // lines. Initialises the GPU backends, so the dialog calls it when it opens.
  Q_INVOKABLE QStringList findDevices() const;
  // The whole --version text plus the devices, for the dialog's Copy button.
  Q_INVOKABLE QString reportText() const;
};

}  // namespace neox::app
