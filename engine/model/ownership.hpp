#pragma once
// The one rule for what dockerops may touch. Docker copies every label of an
// image onto each container made from it, so a project label alone proves
// nothing: `docker run` of a dockerops image, or another tool's container
// built FROM one, would carry it. A container is ours when its owner label is
// the token for (project, the image id it was created from): dockerops writes
// it at create, after resolving the image, and no image can carry the token
// of its own id (the id is a hash of the image's configuration, labels
// included). Networks and volumes cannot inherit labels; theirs is the token
// of their name. observe, plan, apply, destroy, clean, ps and the lock all
// decide through these functions.
#include "engine/model/observed.hpp"

#include <string>

namespace dockerops {

std::string owner_token(const std::string& project, const std::string& subject);
std::string container_owner_token(const std::string& project, const std::string& image_id);
std::string network_owner_token(const std::string& project, const std::string& name);
std::string volume_owner_token(const std::string& project, const std::string& name);

enum class Ownership {
    Ours,          // the owner token matches
    OursLegacy,    // made by dockerops 0.1 (spec labels intact, no owner label): adopted, recreated on the next apply
    NotOurs,
};

Ownership container_ownership(const ObservedContainer& c, const std::string& project);
bool network_is_ours(const ObservedNetwork& n, const std::string& project);
// Images: labelled for the project by a dockerops build (this version or 0.1).
bool image_is_ours(const ObservedImage& i, const std::string& project);

// The images a project's plan looks at: its own (image_is_ours), whatever
// holds a <project>/ tag, and the built-in containers' images
// (dockerops/dockerops-*), which every project may build on.
bool image_concerns_project(const ObservedImage& i, const std::string& project);

}  // namespace dockerops
