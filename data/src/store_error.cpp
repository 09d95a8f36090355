#include "trialmatch/data/store_error.hpp"
