/*
 * The i8042 keyboard controller (data port 0x60, status/command port 0x64; IRQ 1 for the keyboard,
 * IRQ 12 for the aux port) with a keyboard that answers commands but never types, and the
 * controller's reset line.
 *
 * Controller commands (IBM PC/AT technical reference): 0x20 read / 0x60 write the command byte,
 * 0xa7/0xa8 disable/enable aux, 0xa9 test aux, 0xaa self-test (0x55), 0xab test keyboard port,
 * 0xad/0xae disable/enable keyboard, 0xc0 read input port, 0xd0/0xd1 read/write output port
 * (bit 0 low = reset the CPU), 0xd2/0xd3 put a byte in the output buffer as if from the keyboard
 * or aux device, 0xd4 send to aux, 0xf0-0xff pulse output lines (bit 0 clear pulses reset).
 * Keyboard commands get 0xfa (ACK); reset also reports 0xaa (self-test passed), identify reports
 * an MF2 keyboard (0xab 0x83). No mouse is attached: bytes sent to aux are answered with 0xfe.
 */
#include <stdlib.h>

#include "common/xqm.h"
#include "system/devices.h"
#include "system/iomem.h"
#include "system/main_loop.h"

enum {
    ST_OBF = 0x01, ST_IBF = 0x02, ST_SYS = 0x04, ST_CMD = 0x08, ST_UNLOCKED = 0x10, ST_AUX = 0x20,
    CB_KBD_IRQ = 0x01, CB_AUX_IRQ = 0x02, CB_SYS = 0x04, CB_KBD_OFF = 0x10, CB_AUX_OFF = 0x20, CB_XLATE = 0x40,
    QUEUE = 16,
};

struct i8042 {
    uint8_t status, cmdbyte, outport;
    uint8_t pending_cmd;        /* controller command waiting for its data byte */
    uint8_t kbd_pending;        /* keyboard command waiting for its argument */
    struct { uint8_t byte; bool aux; } q[QUEUE];
    int qhead, qcount;
    struct irq_line irq_kbd, irq_aux;
    void (*reset)(void);
};

static void update(struct i8042 *s)
{
    bool kbd = false, aux = false;
    s->status &= (uint8_t)~(ST_OBF | ST_AUX);
    if (s->qcount) {
        s->status |= ST_OBF;
        if (s->q[s->qhead].aux) {
            s->status |= ST_AUX;
            aux = s->cmdbyte & CB_AUX_IRQ;
        } else {
            kbd = s->cmdbyte & CB_KBD_IRQ;
        }
    }
    irq_set(&s->irq_kbd, kbd);
    irq_set(&s->irq_aux, aux);
}

static void queue(struct i8042 *s, uint8_t byte, bool aux)
{
    if (s->qcount == QUEUE)
        return;
    s->q[(s->qhead + s->qcount) % QUEUE].byte = byte;
    s->q[(s->qhead + s->qcount) % QUEUE].aux = aux;
    s->qcount++;
}

static void keyboard_command(struct i8042 *s, uint8_t v)
{
    if (s->kbd_pending) {
        s->kbd_pending = 0;
        queue(s, 0xfa, false);      /* argument of 0xed (LEDs) or 0xf3 (typematic) accepted */
        return;
    }
    switch (v) {
    case 0xff:
        queue(s, 0xfa, false);
        queue(s, 0xaa, false);
        break;
    case 0xf2:
        queue(s, 0xfa, false);
        queue(s, 0xab, false);
        queue(s, 0x83, false);
        break;
    case 0xee:
        queue(s, 0xee, false);
        break;
    case 0xed:
    case 0xf3:
        s->kbd_pending = v;
        queue(s, 0xfa, false);
        break;
    default:
        queue(s, 0xfa, false);
        break;
    }
}

static void controller_command(struct i8042 *s, uint8_t v)
{
    switch (v) {
    case 0x20: queue(s, s->cmdbyte, false); break;
    case 0x60: case 0xd1: case 0xd2: case 0xd3: case 0xd4: s->pending_cmd = v; break;
    case 0xa7: s->cmdbyte |= CB_AUX_OFF; break;
    case 0xa8: s->cmdbyte &= (uint8_t)~CB_AUX_OFF; break;
    case 0xa9: case 0xab: queue(s, 0x00, false); break;
    case 0xaa:
        s->status |= ST_SYS;
        queue(s, 0x55, false);
        break;
    case 0xad: s->cmdbyte |= CB_KBD_OFF; break;
    case 0xae: s->cmdbyte &= (uint8_t)~CB_KBD_OFF; break;
    case 0xc0: queue(s, 0x80, false); break;    /* input port: keyboard not inhibited */
    case 0xd0: queue(s, s->outport, false); break;
    default:
        if (v >= 0xf0 && !(v & 1))
            s->reset();
        break;
    }
}

static uint32_t i8042_read(void *opaque, uint32_t off, int size_log2)
{
    (void)size_log2;
    struct i8042 *s = opaque;
    if (off == 4)
        return s->status;
    uint8_t v = 0;
    if (s->qcount) {
        v = s->q[s->qhead].byte;
        s->qhead = (s->qhead + 1) % QUEUE;
        s->qcount--;
    }
    update(s);
    return v;
}

static void i8042_write(void *opaque, uint32_t off, uint32_t value, int size_log2)
{
    (void)size_log2;
    struct i8042 *s = opaque;
    uint8_t v = (uint8_t)value;
    if (off == 4) {
        s->status |= ST_CMD;
        controller_command(s, v);
        update(s);
        return;
    }
    s->status &= (uint8_t)~ST_CMD;
    uint8_t cmd = s->pending_cmd;
    s->pending_cmd = 0;
    switch (cmd) {
    case 0x60:
        s->cmdbyte = v;
        s->status = (uint8_t)((s->status & ~ST_SYS) | (v & CB_SYS));
        break;
    case 0xd1:
        s->outport = v;
        if (!(v & 1))
            s->reset();
        break;
    case 0xd2: queue(s, v, false); break;
    case 0xd3: queue(s, v, true); break;
    case 0xd4: queue(s, 0xfe, true); break;    /* no aux device to answer */
    default: keyboard_command(s, v); break;
    }
    update(s);
}

/* The two ports are separate ranges (0x61 between them is port B): offsets 0 and 4 here. */
static uint32_t data_read(void *o, uint32_t off, int sz) { (void)off; return i8042_read(o, 0, sz); }
static void data_write(void *o, uint32_t off, uint32_t v, int sz) { (void)off; i8042_write(o, 0, v, sz); }
static uint32_t cmd_read(void *o, uint32_t off, int sz) { (void)off; return i8042_read(o, 4, sz); }
static void cmd_write(void *o, uint32_t off, uint32_t v, int sz) { (void)off; i8042_write(o, 4, v, sz); }

void i8042_reset(struct i8042 *s)
{
    s->status = ST_UNLOCKED;
    s->cmdbyte = CB_KBD_IRQ | CB_XLATE;
    s->outport = 0x03;          /* reset line high, A20 enabled */
    s->pending_cmd = s->kbd_pending = 0;
    s->qhead = s->qcount = 0;
    update(s);
}

struct i8042 *i8042_init(struct irq_line irq_kbd, struct irq_line irq_aux, void (*reset)(void))
{
    struct i8042 *s = calloc(1, sizeof *s);
    if (!s)
        sys_fatal("out of memory");
    s->irq_kbd = irq_kbd;
    s->irq_aux = irq_aux;
    s->reset = reset;
    i8042_reset(s);
    ioport_register(0x60, 1, s, data_read, data_write, IO_SIZE8, "i8042-data");
    ioport_register(0x64, 1, s, cmd_read, cmd_write, IO_SIZE8, "i8042-cmd");
    return s;
}
