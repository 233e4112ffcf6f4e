#include "app/App.h"

POCO_SERVER_MAIN(ha::App)
