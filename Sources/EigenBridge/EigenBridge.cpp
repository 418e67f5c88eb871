#include "EigenBridge.h"
