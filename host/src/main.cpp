#include "app/App.h"

#include <iostream>  // POCO_SERVER_MAIN reports exceptions on std::cerr

POCO_SERVER_MAIN(ha::App)
