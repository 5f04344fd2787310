/*
 * A 16550A UART (COM1 at 0x3f8, IRQ 4) connected to the host's stdio.
 *
 * Registers (16550A datasheet): 0 RBR/THR (DLL with LCR.DLAB), 1 IER (DLM), 2 IIR/FCR, 3 LCR,
 * 4 MCR, 5 LSR, 6 MSR, 7 SCR. Interrupt sources by priority: receiver line status, received data,
 * transmitter holding register empty (cleared by reading IIR while it is the source, or by writing
 * THR), modem status. In loopback (MCR bit 4) transmitted bytes come back as received ones and the
 * modem inputs mirror the MCR outputs, which is how Linux's 8250 driver probes the chip.
 *
 * Transmission is instantaneous: a byte written to THR goes to stdout at once (buffered, flushed at
 * newlines and by a short timer), so THR is empty again immediately. Received bytes come from
 * stdin through the main loop into a large buffer standing in for the FIFO, so none is lost.
 * A terminal on stdin is put in raw mode; Ctrl-A x quits, as with qemu -nographic.
 */
#include <errno.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "common/xqm.h"
#include "system/devices.h"
#include "system/iomem.h"
#include "system/main_loop.h"

enum {
    IER_RDI = 1, IER_THRI = 2, IER_RLSI = 4, IER_MSI = 8,
    IIR_NONE = 1, IIR_MSI = 0x0, IIR_THRI = 0x2, IIR_RDI = 0x4, IIR_RLSI = 0x6, IIR_FIFO = 0xc0,
    LCR_DLAB = 0x80,
    MCR_DTR = 1, MCR_RTS = 2, MCR_OUT1 = 4, MCR_OUT2 = 8, MCR_LOOP = 0x10,
    LSR_DR = 1, LSR_OE = 2, LSR_THRE = 0x20, LSR_TEMT = 0x40,
    MSR_DCTS = 1, MSR_DDSR = 2, MSR_TERI = 4, MSR_DDCD = 8, MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40,
    MSR_DCD = 0x80,
    RX_SIZE = 65536, TX_SIZE = 4096,
};

struct serial {
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint16_t divisor;
    bool thr_interrupt;         /* THRE is an interrupt source until IIR is read or THR written */
    uint8_t rx[RX_SIZE];
    uint32_t rx_head, rx_count;
    uint8_t tx[TX_SIZE];
    uint32_t tx_len;
    struct qtimer flush_timer;
    struct irq_line irq;
    bool escape;                /* Ctrl-A seen on the terminal */
};

static struct termios saved_tty;
static bool tty_raw;

static void restore_tty(void)
{
    if (tty_raw)
        tcsetattr(0, TCSANOW, &saved_tty);
}

static void flush_tx(struct serial *s)
{
    uint32_t done = 0;
    while (done < s->tx_len) {
        ssize_t n = write(1, s->tx + done, s->tx_len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (uint32_t)n;
    }
    s->tx_len = 0;
}

static void flush_timer_cb(void *opaque)
{
    flush_tx(opaque);
}

static uint8_t interrupt_id(const struct serial *s)
{
    if ((s->ier & IER_RLSI) && (s->lsr & LSR_OE))
        return IIR_RLSI;
    if ((s->ier & IER_RDI) && (s->lsr & LSR_DR))
        return IIR_RDI;
    if ((s->ier & IER_THRI) && s->thr_interrupt)
        return IIR_THRI;
    if ((s->ier & IER_MSI) && (s->msr & 0x0f))
        return IIR_MSI;
    return IIR_NONE;
}

static void update_irq(struct serial *s)
{
    irq_set(&s->irq, interrupt_id(s) != IIR_NONE);
}

static void rx_push(struct serial *s, uint8_t c)
{
    if (s->rx_count == RX_SIZE) {
        s->lsr |= LSR_OE;
        return;
    }
    s->rx[(s->rx_head + s->rx_count) % RX_SIZE] = c;
    s->rx_count++;
    s->lsr |= LSR_DR;
}

static void transmit(struct serial *s, uint8_t c)
{
    if (s->mcr & MCR_LOOP) {
        rx_push(s, c);
    } else {
        s->tx[s->tx_len++] = c;
        if (c == '\n' || s->tx_len == TX_SIZE)
            flush_tx(s);
        else if (!s->flush_timer.pending)
            timer_mod(&s->flush_timer, clock_ns() + 20 * 1000000);
    }
    s->thr_interrupt = true;
    s->lsr |= LSR_THRE | LSR_TEMT;
}

/* Modem status inputs: in loopback they mirror the outputs; otherwise a connected, ready line. */
static void update_msr(struct serial *s)
{
    uint8_t in = (s->mcr & MCR_LOOP)
                     ? (uint8_t)(((s->mcr & MCR_RTS) ? MSR_CTS : 0) | ((s->mcr & MCR_DTR) ? MSR_DSR : 0) |
                                 ((s->mcr & MCR_OUT1) ? MSR_RI : 0) | ((s->mcr & MCR_OUT2) ? MSR_DCD : 0))
                     : (uint8_t)(MSR_CTS | MSR_DSR | MSR_DCD);
    uint8_t old = s->msr;
    uint8_t delta = (uint8_t)((((old ^ in) & (MSR_CTS | MSR_DSR | MSR_DCD)) >> 4) |
                              (((old & MSR_RI) && !(in & MSR_RI)) ? MSR_TERI : 0));
    s->msr = (uint8_t)(in | (old & 0x0f) | delta);
}

static uint32_t serial_read(void *opaque, uint32_t off, int size_log2)
{
    (void)size_log2;
    struct serial *s = opaque;
    uint32_t v = 0;
    switch (off) {
    case 0:
        if (s->lcr & LCR_DLAB) {
            v = s->divisor & 0xff;
        } else if (s->rx_count) {
            v = s->rx[s->rx_head];
            s->rx_head = (s->rx_head + 1) % RX_SIZE;
            if (--s->rx_count == 0)
                s->lsr &= (uint8_t)~LSR_DR;
        }
        break;
    case 1:
        v = (s->lcr & LCR_DLAB) ? s->divisor >> 8 : s->ier;
        break;
    case 2:
        v = interrupt_id(s);
        if (v == IIR_THRI)
            s->thr_interrupt = false;
        if (s->fcr & 1)
            v |= IIR_FIFO;
        break;
    case 3: v = s->lcr; break;
    case 4: v = s->mcr; break;
    case 5:
        v = s->lsr;
        s->lsr &= (uint8_t)~LSR_OE;
        break;
    case 6:
        v = s->msr;
        s->msr &= 0xf0;
        break;
    default: v = s->scr; break;
    }
    update_irq(s);
    return v;
}

static void serial_write(void *opaque, uint32_t off, uint32_t value, int size_log2)
{
    (void)size_log2;
    struct serial *s = opaque;
    uint8_t v = (uint8_t)value;
    switch (off) {
    case 0:
        if (s->lcr & LCR_DLAB)
            s->divisor = (uint16_t)((s->divisor & 0xff00) | v);
        else
            transmit(s, v);
        break;
    case 1:
        if (s->lcr & LCR_DLAB) {
            s->divisor = (uint16_t)((s->divisor & 0xff) | v << 8);
        } else {
            /* Enabling the THRE interrupt while THR is empty raises it at once. */
            if ((v & IER_THRI) && !(s->ier & IER_THRI) && (s->lsr & LSR_THRE))
                s->thr_interrupt = true;
            s->ier = v & 0x0f;
        }
        break;
    case 2:
        s->fcr = v & 0xc9;
        if (v & 2) {                    /* clear receive FIFO */
            s->rx_count = 0;
            s->lsr &= (uint8_t)~LSR_DR;
        }
        break;
    case 3: s->lcr = v; break;
    case 4:
        s->mcr = v & 0x1f;
        update_msr(s);
        break;
    case 7: s->scr = v; break;
    default: break;
    }
    update_irq(s);
}

static bool stdin_ready(void *opaque)
{
    struct serial *s = opaque;
    uint8_t buf[256];
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;           /* end of input: the guest simply receives nothing more */
    for (ssize_t i = 0; i < n; i++) {
        if (tty_raw && s->escape) {
            s->escape = false;
            if (buf[i] == 'x') {
                fprintf(stderr, "\r\nxqm-system: terminated by Ctrl-A x\r\n");
                flush_tx(s);
                exit(0);
            }
            if (buf[i] != 1)
                continue;
        } else if (tty_raw && buf[i] == 1) {
            s->escape = true;
            continue;
        }
        if (!(s->mcr & MCR_LOOP))
            rx_push(s, buf[i]);
    }
    update_irq(s);
    return true;
}

static struct serial *exit_flush_port;

/* Whatever the guest wrote reaches stdout even when the machine exits mid-line. */
static void flush_at_exit(void)
{
    if (exit_flush_port)
        flush_tx(exit_flush_port);
}

void serial_reset(struct serial *s)
{
    s->ier = s->lcr = s->mcr = s->scr = s->fcr = 0;
    s->lsr = LSR_THRE | LSR_TEMT | (s->rx_count ? LSR_DR : 0);
    s->msr = 0;
    update_msr(s);
    s->msr &= 0xf0;
    s->thr_interrupt = false;
    s->divisor = 12;            /* 9600 baud */
    update_irq(s);
}

struct serial *serial_init(uint32_t base, struct irq_line irq, bool stdio)
{
    struct serial *s = calloc(1, sizeof *s);
    if (!s)
        sys_fatal("out of memory");
    s->irq = irq;
    timer_init(&s->flush_timer, flush_timer_cb, s);
    serial_reset(s);
    ioport_register(base, 8, s, serial_read, serial_write, IO_SIZE8, "serial");
    if (stdio) {
        exit_flush_port = s;
        atexit(flush_at_exit);
        if (isatty(0) && tcgetattr(0, &saved_tty) == 0) {
            struct termios raw = saved_tty;
            cfmakeraw(&raw);
            raw.c_oflag |= OPOST | ONLCR;
            if (tcsetattr(0, TCSANOW, &raw) == 0) {
                tty_raw = true;
                atexit(restore_tty);
            }
        }
        main_loop_add_input(0, stdin_ready, s);
    }
    return s;
}
