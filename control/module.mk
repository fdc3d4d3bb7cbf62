# control/: control plane (key management, updates, XFR) and zwctl.
control_DEPS := dns
control_LDLIBS :=
