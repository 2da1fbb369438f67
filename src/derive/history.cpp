#include "derive/derive.hpp"

namespace derive {

model::Expected<model::Ref> History::resolve(const std::string& name, const std::string&) {
    return model::fail("resolving '" + name + "': this history cannot read refs");
}

} // namespace derive
