#pragma once
// Force-included into the fuzzing build only (WB_FUZZ=ON, clang). libstdc++ 12 hides
// std::expected from clang 14 (its <expected> needs C++20 "conditionally trivial special members",
// which clang implements from version 16), yet core/common/result.h is built on it. This is the
// part of std::expected / std::unexpected the engine uses, with the same meaning; a compiler
// whose library has the real one never sees it.
#include <version>

#if !defined(__cpp_lib_expected)
#include <expected>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace std {

template <class E>
class unexpected {
public:
    template <class Err = E>
        requires(!is_same_v<remove_cvref_t<Err>, unexpected> && is_constructible_v<E, Err>)
    constexpr explicit unexpected(Err &&e) : m_error(std::forward<Err>(e)) {}
    constexpr const E &error() const & noexcept { return m_error; }
    constexpr E &error() & noexcept { return m_error; }
    constexpr E &&error() && noexcept { return std::move(m_error); }

private:
    E m_error;
};
template <class E>
unexpected(E) -> unexpected<E>;

template <class E>
class bad_expected_access : public exception {
public:
    const char *what() const noexcept override { return "bad access to std::expected without expected value"; }
};

template <class T, class E>
class expected {
public:
    using value_type = T;
    using error_type = E;

    constexpr expected() requires is_default_constructible_v<T> : m_v(in_place_index<0>) {}
    template <class U = T>
        requires(!is_same_v<remove_cvref_t<U>, expected> && !is_same_v<remove_cvref_t<U>, in_place_t>
                 && is_constructible_v<T, U>)
    constexpr expected(U &&v) : m_v(in_place_index<0>, std::forward<U>(v)) {}
    template <class G>
    constexpr expected(const unexpected<G> &u) : m_v(in_place_index<1>, u.error()) {}
    template <class G>
    constexpr expected(unexpected<G> &&u) : m_v(in_place_index<1>, std::move(u).error()) {}

    constexpr bool has_value() const noexcept { return m_v.index() == 0; }
    constexpr explicit operator bool() const noexcept { return has_value(); }
    constexpr T &operator*() & { return std::get<0>(m_v); }
    constexpr const T &operator*() const & { return std::get<0>(m_v); }
    constexpr T &&operator*() && { return std::get<0>(std::move(m_v)); }
    constexpr T *operator->() { return &std::get<0>(m_v); }
    constexpr const T *operator->() const { return &std::get<0>(m_v); }
    constexpr T &value() & { check(); return std::get<0>(m_v); }
    constexpr const T &value() const & { check(); return std::get<0>(m_v); }
    constexpr T &&value() && { check(); return std::get<0>(std::move(m_v)); }
    constexpr E &error() & { return std::get<1>(m_v); }
    constexpr const E &error() const & { return std::get<1>(m_v); }
    constexpr E &&error() && { return std::get<1>(std::move(m_v)); }
    template <class U>
    constexpr T value_or(U &&d) const & { return has_value() ? **this : static_cast<T>(std::forward<U>(d)); }
    template <class U>
    constexpr T value_or(U &&d) && { return has_value() ? std::move(**this) : static_cast<T>(std::forward<U>(d)); }

private:
    void check() const
    {
        if (!has_value())
            throw bad_expected_access<E>();
    }
    variant<T, E> m_v;
};

template <class E>
class expected<void, E> {
public:
    using value_type = void;
    using error_type = E;

    constexpr expected() noexcept = default;
    template <class G>
    constexpr expected(const unexpected<G> &u) : m_e(in_place, u.error()) {}
    template <class G>
    constexpr expected(unexpected<G> &&u) : m_e(in_place, std::move(u).error()) {}

    constexpr bool has_value() const noexcept { return !m_e.has_value(); }
    constexpr explicit operator bool() const noexcept { return has_value(); }
    constexpr void operator*() const noexcept {}
    constexpr void value() const
    {
        if (m_e)
            throw bad_expected_access<E>();
    }
    constexpr E &error() & { return *m_e; }
    constexpr const E &error() const & { return *m_e; }
    constexpr E &&error() && { return std::move(*m_e); }

private:
    optional<E> m_e;
};

} // namespace std
#endif
