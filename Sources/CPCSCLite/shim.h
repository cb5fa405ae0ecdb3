// pcsc-lite for ReaderTransport's PC/SC transport (pkg-config adds -I/usr/include/PCSC).
#include <winscard.h>
#include <reader.h>
// Macros Swift cannot import (casts, address-of) re-exported as functions.
static inline const SCARD_IO_REQUEST *cpcsc_pci_t0(void) { return SCARD_PCI_T0; }
static inline const SCARD_IO_REQUEST *cpcsc_pci_t1(void) { return SCARD_PCI_T1; }
static inline const SCARD_IO_REQUEST *cpcsc_pci_raw(void) { return SCARD_PCI_RAW; }
