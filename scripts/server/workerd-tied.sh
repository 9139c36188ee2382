#!/bin/sh
# workerd as the start script's child that dies with it: the kernel sends it
# SIGKILL when its parent exits, however the parent ended (kill -9 included).
# Miniflare runs this instead of workerd when MINIFLARE_WORKERD_PATH names it.
exec setpriv --pdeathsig KILL -- "$EDGEBOOK_WORKERD" "$@"
