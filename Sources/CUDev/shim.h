// libudev for reader discovery by udev properties (ID_VENDOR_ID, ID_MODEL_ID) and hot-plug monitoring.
#include <libudev.h>
