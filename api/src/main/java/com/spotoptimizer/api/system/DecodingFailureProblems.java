package com.spotoptimizer.api.system;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/**
 * A request line or header block too large to decode never reaches Spring: Reactor Netty answers 414 or 431
 * itself, with an empty body. This handler gives those answers the problem document every other 4xx has.
 */
@Configuration(proxyBeanMethods = false)
public class DecodingFailureProblems {

    @Bean
    NettyServerCustomizer decodingFailureProblemBodies() {
        ProblemBodies handler = new ProblemBodies();
        return server -> server.doOnChannelInit((observer, channel, address) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, "spotProblemBodies", handler);
            }
        });
    }

    @ChannelHandler.Sharable
    static final class ProblemBodies extends ChannelOutboundHandlerAdapter {

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof FullHttpResponse response && response.content().readableBytes() == 0
                    && (response.status().code() == HttpResponseStatus.REQUEST_URI_TOO_LONG.code()
                    || response.status().code() == HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.code())) {
                ctx.write(withProblem(response), promise);
                return;
            }
            ctx.write(msg, promise);
        }

        private static FullHttpResponse withProblem(FullHttpResponse response) {
            boolean uri = response.status().code() == HttpResponseStatus.REQUEST_URI_TOO_LONG.code();
            String slug = uri ? "uri-too-long" : "headers-too-large";
            String detail = uri ? "the request line (URL) is longer than the server accepts"
                    : "the request headers are larger than the server accepts";
            String body = "{\"type\":\"" + Problems.type(slug) + "\",\"title\":\"" + response.status().reasonPhrase()
                    + "\",\"status\":" + response.status().code() + ",\"detail\":\"" + detail + "\"}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse withBody = response.replace(Unpooled.wrappedBuffer(bytes));
            response.release();
            withBody.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
            withBody.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            return withBody;
        }
    }
}
