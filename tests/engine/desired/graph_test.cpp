#include "engine/desired/graph.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;

TEST_CASE("graph: find_cycle gives the cycle's path through Boost.Graph's depth-first search, or none") {
    CHECK_FALSE(find_cycle(4, {{0, 1}, {1, 2}, {0, 2}, {3, 2}}));
    auto c = find_cycle(4, {{0, 1}, {1, 2}, {2, 3}, {3, 1}});
    REQUIRE(c);
    CHECK(*c == std::vector<std::size_t>{1, 2, 3, 1});
    auto self = find_cycle(2, {{1, 1}});
    REQUIRE(self);
    CHECK(*self == std::vector<std::size_t>{1, 1});
    CHECK_FALSE(find_cycle(0, {}));
}

TEST_CASE("graph: node keys read back into what they name") {
    CHECK(parse_node_key(image_key("web"))->kind == NodeKey::Kind::Image);
    CHECK(parse_node_key(image_key("web"))->name == "web");
    CHECK(parse_node_key(instance_key("db.master"))->name == "db.master");
    CHECK(parse_node_key(network_key())->kind == NodeKey::Kind::Network);
    CHECK_FALSE(parse_node_key("image:"));
    CHECK_FALSE(parse_node_key("container:x"));
}

TEST_CASE("graph: order is dependencies first and by key among the free, closure follows every need") {
    DesiredState d;
    d.project = "g";
    for (const char* c : {"base", "web", "db"}) {
        DesiredImage img;
        img.container = c;
        if (std::string(c) != "base") img.parents = {"base"};
        d.images[c] = img;
    }
    for (const char* id : {"db.master", "web.one"}) {
        DesiredInstance i;
        i.id = id;
        i.container = std::string(id).substr(0, std::string(id).find('.'));
        if (i.id == "web.one") i.links = {{"DB", "db.master", ""}};
        d.instances.push_back(i);
    }
    auto g = DesiredGraph::build(d);
    REQUIRE(g);
    CHECK(g->order() == std::vector<std::string>{"image:base", "image:db", "image:web", "network", "instance:db.master",
                                                 "instance:web.one"});
    CHECK(g->closure({"instance:web.one"}) ==
          std::set<std::string>{"instance:web.one", "instance:db.master", "image:web", "image:db", "image:base", "network"});
    CHECK(g->closure({"image:db"}) == std::set<std::string>{"image:db", "image:base"});
    CHECK(g->dependencies("instance:web.one") == std::vector<std::string>{"image:web", "instance:db.master", "network"});
    d.images["base"].parents = {"web"};
    auto cyclic = DesiredGraph::build(d);
    REQUIRE_FALSE(cyclic);
    CHECK(cyclic.error().message == "image cycle (FROM): base -> web -> base");
}
