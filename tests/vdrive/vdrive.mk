# The virtual burner for tests (not installed): libmsvdrive.so, an
# LD_PRELOAD library that plays a Linux SCSI optical drive for libburn, and
# msvd, which makes, shows and reads back its discs.  Included by the
# top-level GNUmakefile.

VDRIVE_LIB_SRCS += tests/vdrive/disc.c
VDRIVE_LIB_SRCS += tests/vdrive/mmc.c
VDRIVE_LIB_SRCS += tests/vdrive/vdrive.c

MSVD_SRCS       += tests/vdrive/disc.c
MSVD_SRCS       += tests/vdrive/msvd.c

VDRIVE_LIB      := $(O)/tests/libmsvdrive.so
MSVD_BIN        := $(O)/tests/msvd
VDRIVE_LIB_OBJS := $(VDRIVE_LIB_SRCS:%.c=$(O)/pic/%.o)
MSVD_OBJS       := $(MSVD_SRCS:%.c=$(O)/%.o)

.PHONY: vdrive vdrive-check

vdrive: $(VDRIVE_LIB) $(MSVD_BIN)

$(O)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(SHIM_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(VDRIVE_LIB): $(VDRIVE_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -shared -o $@ $^ -ldl -lpthread

$(MSVD_BIN): $(MSVD_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -ldl

# End-to-end tests may drive the virtual burner.
e2e: vdrive

vdrive-check: all vdrive
	@sh tests/e2e/run.sh $(O) tests/e2e/t-vdrive.sh

-include $(VDRIVE_LIB_OBJS:.o=.d) $(MSVD_OBJS:.o=.d)
