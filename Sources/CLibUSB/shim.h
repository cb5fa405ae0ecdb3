// libusb-1.0 for ReaderTransport's USB bulk transport (pkg-config adds -I/usr/include/libusb-1.0).
#include <libusb.h>
