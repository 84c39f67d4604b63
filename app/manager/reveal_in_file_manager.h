// Shows a file or folder in the desktop's file manager. A folder opens
// itself (QDesktopServices). A file is shown selected in its folder through
// the freedesktop FileManager1 interface on the session bus (Nautilus,
// Dolphin, Nemo, Caja, Thunar and others implement it); where no file manager
// answers on the bus, or there is no bus, its folder opens. Never blocks: the
// bus call is asynchronous and its failure falls back when the answer comes.
#pragma once

#include <QString>

namespace neox::app {

// The D-Bus names of the interface (also what the tests serve).
inline constexpr const char* kFileManagerService = "org.freedesktop.FileManager1";
inline constexpr const char* kFileManagerPath = "/org/freedesktop/FileManager1";
inline constexpr const char* kFileManagerInterface = "org.freedesktop.FileManager1";

// False only when the path names nothing on disk.
bool reveal_in_file_manager(const QString& path);

}  // namespace neox::app
