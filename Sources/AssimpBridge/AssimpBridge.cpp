#include "AssimpBridge.h"
