/*
 * sos/rights.h - handle rights. A derived handle may only have fewer rights.
 *
 * Layer: ABI.
 */
#ifndef SOS_RIGHTS_H
#define SOS_RIGHTS_H

#define SOS_RIGHT_READ (1u << 0)      /* read data: vmo_read, object info */
#define SOS_RIGHT_WRITE (1u << 1)     /* change data: vmo_write, set size, timer_set */
#define SOS_RIGHT_MAP (1u << 2)       /* map a vmo into an address space */
#define SOS_RIGHT_SIGNAL (1u << 3)    /* set or clear user signals */
#define SOS_RIGHT_WAIT (1u << 4)      /* wait on signals, bind to a port */
#define SOS_RIGHT_SEND (1u << 5)      /* write a channel message, queue a port packet */
#define SOS_RIGHT_RECEIVE (1u << 6)   /* read a channel message, wait on a port */
#define SOS_RIGHT_DUPLICATE (1u << 7) /* duplicate or mint the handle */
#define SOS_RIGHT_TRANSFER (1u << 8)  /* move the handle through a channel */
#define SOS_RIGHT_MANAGE (1u << 9)    /* kill, revoke, spawn, privileged ops */
#define SOS_RIGHT_EXECUTE (1u << 10)  /* map a vmo executable */
#define SOS_RIGHT_INSPECT (1u << 11)  /* read the kernel's statistics (SOS_INFO_KERNEL_STATS)
                                       * from the root resource, and nothing else */

#define SOS_RIGHTS_ALL 0xfffu
#define SOS_RIGHT_SAME_RIGHTS 0x80000000u /* for duplicate/replace: keep the rights */

#define SOS_RIGHTS_BASIC (SOS_RIGHT_DUPLICATE | SOS_RIGHT_TRANSFER | SOS_RIGHT_WAIT)
#define SOS_RIGHTS_IO (SOS_RIGHT_READ | SOS_RIGHT_WRITE)

#endif
