import type { TErrorCode } from '@parta/contracts';

export type Locale = 'ru' | 'en';

/** Human messages per error code, Russian first. `{name}` placeholders are filled from AppError.params. */
const messages: Record<TErrorCode, Record<Locale, string>> = {
  validation_failed: { ru: 'Проверьте введённые данные.', en: 'Please check the data you entered.' },
  unauthenticated: { ru: 'Войдите, чтобы продолжить.', en: 'Please sign in to continue.' },
  forbidden: { ru: 'Недостаточно прав для этого действия.', en: 'You are not allowed to do this.' },
  conflict: { ru: 'Это уже изменилось. Обновите страницу.', en: 'This has already changed. Reload the page.' },
  not_found: { ru: 'Не найдено.', en: 'Not found.' },
  csrf_failed: { ru: 'Запрос отклонён из соображений безопасности. Обновите страницу.', en: 'The request was rejected for security reasons. Reload the page.' },
  rate_limited: { ru: 'Слишком много попыток. Повторите через {retryAfterSeconds} с.', en: 'Too many attempts. Try again in {retryAfterSeconds} s.' },
  code_invalid: { ru: 'Неверный код. Осталось попыток: {attemptsLeft}.', en: 'Wrong code. Attempts left: {attemptsLeft}.' },
  code_expired: { ru: 'Код больше не действует. Запросите новый код.', en: 'This code is no longer valid. Request a new code.' },
  delivery_failed: { ru: 'Не удалось отправить код. Повторите попытку через минуту.', en: 'The code could not be sent. Please try again in a minute.' },
  payload_too_large: { ru: 'Слишком большой запрос.', en: 'The request is too large.' },
  unsupported_media_type: { ru: 'Неподдерживаемый формат запроса.', en: 'Unsupported request format.' },
  internal: { ru: 'Что-то пошло не так. Мы уже разбираемся.', en: 'Something went wrong. We are looking into it.' },
  unavailable: { ru: 'Сервис временно недоступен. Повторите позже.', en: 'The service is temporarily unavailable. Try again later.' },
};

export function localizeError(code: TErrorCode, locale: Locale, params: Record<string, string | number | undefined> = {}): string {
  return messages[code][locale].replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));
}

/** The request's language: the explicit Accept-Language the web app sends, Russian by default. */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'ru';
}
