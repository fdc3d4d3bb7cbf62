# control/: control plane (key management, updates, XFR) and zwctl
# (which links cli/ for its messages).
control_DEPS := cli dns
control_LDLIBS :=
