#pragma once
// Placeholder: the extern "C" API over Eigen's sparse solvers is defined in EigenBridge.cpp.
