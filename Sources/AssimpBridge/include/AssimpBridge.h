#pragma once
// Placeholder: the extern "C" API over assimp is defined in AssimpBridge.cpp.
