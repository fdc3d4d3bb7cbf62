# dataplane/: zwd, the DPDK authoritative data plane. The packet path
# (pkt, csum, engine, rrl, stats) is plain C so tests and fuzzing run it
# without DPDK; port, loop, tables and control code use DPDK 22.11
# (rte_vdev_init for the exception tap lives in librte_bus_vdev).
dataplane_DEPS := zonecompile crypto dns
dataplane_CFLAGS := $(shell pkg-config --cflags libdpdk)
dataplane_LDLIBS := $(shell pkg-config --libs libdpdk) -lrte_bus_vdev
